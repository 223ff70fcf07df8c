// The PostgreSQL store's public surface (src/store/README.md).
export { openPostgresStore, type PostgresStoreOptions } from './store.ts';
export { parsePostgresUrl, type PostgresTarget } from './connection.ts';
