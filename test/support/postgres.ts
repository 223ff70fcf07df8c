// A throwaway PostgreSQL server for tests (test/README.md).
//
// CI (.ci/run) starts one server for the whole run and exports its URL, as an admin URL to the
// `postgres` database, in LACQUER_TEST_PG_URL. Without it (a developer's machine), the first
// test of a process that asks starts one of its own, the same way, and stops it when the
// process exits: `initdb` and `pg_ctl` into a temporary directory, a free loopback port, no
// Unix socket, durability off (a test database is thrown away). initdb refuses to run as root,
// so as root both run as the `postgres` system user (Debian's package creates it).
// Each test gets a database of its own (CREATE DATABASE), so tests never see each other's rows.
// A test that needs a server it can restart (an outage) starts its own with `startPostgres`.
// When no server can be started, the tests that need one fail with the reason; they never skip.
// A test process that is killed leaves nothing running: a watchdog stops its server.
//
// LACQUER_PG_BIN names the directory of initdb and pg_ctl when they are not in
// /usr/lib/postgresql/<version>/bin (Debian) or on PATH.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const exec = promisify(execFile);

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly adminUrl: string;
  readonly port: number;
  /** A new, empty database on this server; its URL. */
  createDatabase(): Promise<string>;
}

export interface OwnedPostgresServer extends PostgresServer {
  /** Stops the server (fast shutdown: open connections are ended) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

let shared: Promise<PostgresServer> | null = null;

/** The run's server: CI's (LACQUER_TEST_PG_URL) or one this process starts once. */
export function testPostgres(): Promise<PostgresServer> {
  const url = process.env.LACQUER_TEST_PG_URL;
  shared ??= url !== undefined && url !== '' ? Promise.resolve(existingServer(url)) : startPostgres();
  return shared;
}

/** A fresh database on the run's server. */
export async function freshDatabase(): Promise<string> {
  return (await testPostgres()).createDatabase();
}

function existingServer(adminUrl: string): PostgresServer {
  return { adminUrl, port: Number(new URL(adminUrl).port || '5432'), createDatabase: () => createDatabase(adminUrl) };
}

let databases = 0;

async function createDatabase(adminUrl: string): Promise<string> {
  const name = `lacquer_test_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // A database name cannot be a parameter; this one is made of [a-z0-9_] above and quoted.
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts a server of this test's own; stopped by `stop()` or when the process exits. */
export async function startPostgres(): Promise<OwnedPostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): [string, string[]] =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args]);
  const run = (tool: string, args: string[]) => exec(...command(tool, args));
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  const stopNow = (): void => {
    try {
      execFileSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  } catch (err) {
    throw new Error(`initdb in ${bin} failed (see test/README.md): ${(err as Error).message}`);
  }
  let port = 0;
  const start = async (): Promise<void> => {
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
    await run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  };
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (err) {
      // Another process took the port between our probe and the server's bind: try another.
      if (attempt === 3) throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${readLog(dir)}`);
    }
  }
  watchdog(command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']), dir);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl, port,
    createDatabase: () => createDatabase(adminUrl),
    async restart() {
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      await start();
    },
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}

/**
 * A test process killed outright (a test runner's timeout, Ctrl-C) runs no exit hook: a
 * detached shell waits for it to go, then stops the server and removes its directory.
 */
function watchdog([file, args]: [string, string[]], dir: string): void {
  const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
  const stop = [file, ...args].map(quote).join(' ');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stop} >/dev/null 2>&1; rm -rf ${quote(dir)}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

function postgresBin(): string {
  const given = process.env.LACQUER_PG_BIN;
  if (given !== undefined && given !== '') return given;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error('no PostgreSQL server binaries (initdb, pg_ctl): install Debian\'s postgresql package or set LACQUER_PG_BIN (test/README.md)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
