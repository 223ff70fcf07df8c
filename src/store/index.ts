export * from './store.ts';
export { openSqliteStore } from './sqlite/index.ts';
export { openPostgresStore, parsePostgresUrl, type PostgresStoreOptions, type PostgresTarget } from './postgres/index.ts';
export { openStore, type OpenStoreOptions } from './open.ts';
