// Migrations on PostgreSQL (DESIGN.md §4.6: "Migrations run once under an advisory lock,
// whichever nodes start together"). Every node that starts takes the session-level advisory
// lock below, applies what is missing and lets go; a node that starts meanwhile waits for the
// lock and then finds everything applied. A node that dies holding it releases it with its
// session. Each file runs in its own transaction, with its row in schema_migrations.
import type { Pool } from 'pg';
import { migrationsFor } from '../migrations.ts';

/** The advisory lock's key: "lacquer" in ASCII, as one bigint. Nothing else in the database may use it. */
export const MIGRATION_LOCK = 0x6c61637175657200n;

export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const { version, sql } of migrationsFor('postgres')) {
        if (applied.has(version)) continue;
        await client.query('BEGIN');
        try {
          // A file is several statements: the simple query protocol (no parameters) runs them all.
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => undefined);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}
