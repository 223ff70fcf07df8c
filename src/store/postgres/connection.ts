// `--db postgres://user:password@host:port/database?…` (DESIGN.md §4.1) as node-postgres takes
// it, checked once, with a way to name the server in messages without its password.
import type { PoolConfig } from 'pg';

export interface PostgresTarget {
  /** The URL as given, for node-postgres (it reads sslmode and friends from the query). */
  readonly connectionString: string;
  /** `user@host:port/database`: what messages and logs show (never the password). */
  readonly label: string;
}

/** Parses and checks a `postgres://` or `postgresql://` URL; throws an Error naming the rule. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('must be a URL like postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`must start with postgres:// or postgresql://, got "${parsed.protocol}//"`);
  }
  if (parsed.hostname === '') throw new Error('names no host: postgres://user:password@host:5432/database');
  if (parsed.port !== '' && !(Number(parsed.port) >= 1 && Number(parsed.port) <= 65535)) {
    throw new Error(`port must be between 1 and 65535, got ${parsed.port}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw new Error('names no database: postgres://user:password@host:5432/database');
  const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
  return { connectionString: url, label: `${user}${parsed.hostname}:${parsed.port === '' ? '5432' : parsed.port}/${database}` };
}

/** How long connecting may take before the store calls the database unavailable. */
export const CONNECT_TIMEOUT_MS = 3_000;

export function poolConfig(target: PostgresTarget, max: number): PoolConfig {
  return {
    connectionString: target.connectionString,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A peer that vanished without closing (a cut network) is noticed by TCP keepalive.
    keepAlive: true,
    application_name: 'lacquer',
  };
}
