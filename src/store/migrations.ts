// The numbered SQL files in ./migrations, as each store applies them (src/store/README.md).
// `NNN_name.sql` runs on every store; `NNN_name.sqlite.sql` or `NNN_name.postgres.sql` only on
// that one, for the few things the two dialects spell differently. Numbers only grow; a store
// applies, in order, every file whose number it has not recorded in `schema_migrations`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  readonly version: number;
  readonly file: string;
  readonly sql: string;
}

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');
const FILE = /^(\d+)_[a-z0-9_]+(?:\.(sqlite|postgres))?\.sql$/;

/** The migrations `dialect` runs, by version; throws when two of them share a number. */
export function migrationsFor(dialect: Dialect, dir: string = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file);
    if (m === null || (m[2] !== undefined && m[2] !== dialect)) continue;
    const version = Number.parseInt(m[1], 10);
    const other = byVersion.get(version);
    if (other !== undefined) throw new Error(`migrations ${other.file} and ${file} both have number ${version}`);
    byVersion.set(version, { version, file, sql: readFileSync(join(dir, file), 'utf8') });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}
