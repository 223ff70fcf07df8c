// The SQLite store's public surface (src/store/README.md).
export { openSqliteStore } from './store.ts';
