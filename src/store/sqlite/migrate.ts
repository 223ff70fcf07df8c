// The SQLite store's schema: every migration (../migrations.ts) not yet recorded in
// schema_migrations, in order, each in its own transaction (src/store/README.md, Migrations).
import type { DatabaseSync } from 'node:sqlite';
import { migrationsFor } from '../migrations.ts';

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => Number(r.version)));
  for (const { version, sql } of migrationsFor('sqlite')) {
    if (applied.has(version)) continue;
    db.exec('BEGIN');
    try {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
