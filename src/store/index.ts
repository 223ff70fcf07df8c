export * from './store.ts';
export { openSqliteStore } from './sqlite.ts';
