// `lacquer serve` settings: flag, else environment variable, else default (DESIGN.md §4.1).
// Validated here, once, into a typed ServeOptions; everything after trusts it.

import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { CLIENT_TIMEOUT_DEFAULTS, type ClientTimeouts } from '../edge/http1/timeouts.ts';
// The URL check alone (no driver): every CLI command loads this file.
import { parsePostgresUrl } from '../store/postgres/connection.ts';

export type Role = 'all' | 'edge' | 'control';

export interface Listen {
  readonly host: string;
  readonly port: number;
}

export interface ServeOptions {
  readonly edge: Listen;
  /** The HTTPS listener (DESIGN.md §4.1 `--tls`); null: `--tls off`. */
  readonly tls: Listen | null;
  readonly api: Listen;
  /** `sqlite:<file>` or `postgres://…`. */
  readonly db: string;
  readonly pop: string;
  /** How long the edge waits on a client (`--client-*-timeout`, `--client-body-min-rate`). */
  readonly clientTimeouts: ClientTimeouts;
  /** Edge worker processes; 0 runs the edge inside the main process (tests, tiny hosts). */
  readonly workers: number;
  readonly role: Role;
  /**
   * Where the rest of the fleet reaches this node's edge (DESIGN.md §4.1 `--node-url`); null:
   * `http://<edge address>`, known once the edge listens (./node-url.ts).
   */
  readonly nodeUrl: string | null;
  readonly token: string | null;
  /** CIDRs origins must allow; empty = the POP's own addresses. */
  readonly egress: readonly string[];
  readonly cacheSizeBytes: number;
  readonly cacheMaxObjectBytes: number;
  /** pino level of every log line of the process tree (DESIGN.md §4.1 `--log-level`). */
  readonly logLevel: LogLevel;
  /** MaxMind database files for client.geo.* (`--geoip-db FILE[,FILE…]`); empty: none. */
  readonly geoipDb: readonly string[];
}

/** Raw values as commander hands them over (flags), before defaults. */
export interface ServeFlags {
  edge?: string;
  tls?: string;
  api?: string;
  db?: string;
  pop?: string;
  clientHeaderTimeout?: string;
  clientIdleTimeout?: string;
  clientBodyTimeout?: string;
  clientBodyMinRate?: string;
  workers?: string;
  role?: string;
  nodeUrl?: string;
  token?: string;
  egress?: string;
  cacheSize?: string;
  cacheMaxObject?: string;
  logLevel?: string;
  geoipDb?: string;
}

/** pino's levels, most to least severe, and `silent` (https://getpino.io/#/docs/api?id=level-string). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class OptionError extends Error {
  readonly option: string;
  /** The rule the value broke, without the option's name. */
  readonly rule: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
    this.rule = message;
    this.name = 'OptionError';
  }
}

const MB = 1024 * 1024;

export function resolveServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeOptions {
  // Which variables were read, so an error names what the operator set: a LACQUER_API left
  // over in a shell must not read as a bad `--api` that nobody typed.
  const read = new Set<string>();
  const pick = (flag: string | undefined, name: string): string | undefined => {
    if (flag !== undefined) return flag;
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    read.add(name);
    return v;
  };
  try {
    return resolve(flags, pick);
  } catch (err) {
    const name = err instanceof OptionError ? envName(err.option) : '';
    if (!(err instanceof OptionError) || !read.has(name)) throw err;
    const hint = /^(?:--api|--edge)$/.test(err.option) && /:\/\//.test(String(env[name]))
      ? `; ${name} is the address \`lacquer serve\` listens on, HOST:PORT (the CLI reads the API's URL from LACQUER_API_URL)`
      : '';
    throw new OptionError(`${name} (${err.option})`, `${err.rule}${hint}`);
  }
}

/** `--cache-size` → `LACQUER_CACHE_SIZE`: every serve flag has its variable named so (DESIGN.md §4.1). */
function envName(option: string): string {
  return `LACQUER_${option.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

type Pick = (flag: string | undefined, name: string) => string | undefined;

function resolve(flags: ServeFlags, pick: Pick): ServeOptions {
  const role = pick(flags.role, 'LACQUER_ROLE') ?? 'all';
  if (role !== 'all' && role !== 'edge' && role !== 'control') {
    throw new OptionError('--role', `must be all, edge or control, got "${role}"`);
  }
  const workersText = pick(flags.workers, 'LACQUER_WORKERS');
  const workers = workersText === undefined ? os.availableParallelism() : parseCount('--workers', workersText, 0, 256);
  const pop = pick(flags.pop, 'LACQUER_POP') ?? 'local';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(pop)) {
    throw new OptionError('--pop', `must be 1–63 letters, digits, "-" or "_", got "${pop}"`);
  }
  const egressText = pick(flags.egress, 'LACQUER_EGRESS');
  const egress = egressText === undefined ? [] : egressText.split(',').map((c) => c.trim()).filter((c) => c !== '');
  for (const cidr of egress) parseCidr('--egress', cidr);
  const db = pick(flags.db, 'LACQUER_DB') ?? 'sqlite:./data/lacquer.db';
  if (!db.startsWith('sqlite:') && !/^postgres(ql)?:\/\//.test(db)) {
    throw new OptionError('--db', `must be sqlite:<file> or postgres://…, got "${db}"`);
  }
  if (!db.startsWith('sqlite:')) {
    try {
      parsePostgresUrl(db);
    } catch (err) {
      // The URL may hold a password: the message names the rule, never echoes the URL.
      throw new OptionError('--db', (err as Error).message);
    }
  }
  const nodeUrl = pick(flags.nodeUrl, 'LACQUER_NODE_URL') ?? null;
  if (nodeUrl !== null) parseNodeUrl(nodeUrl);
  return {
    edge: parseListen('--edge', pick(flags.edge, 'LACQUER_EDGE') ?? '127.0.0.1:8080'),
    tls: parseTlsListen(pick(flags.tls, 'LACQUER_TLS') ?? '127.0.0.1:8443'),
    api: parseListen('--api', pick(flags.api, 'LACQUER_API') ?? '127.0.0.1:8081'),
    db,
    pop,
    clientTimeouts: {
      headerMs: parseTimeout('--client-header-timeout', pick(flags.clientHeaderTimeout, 'LACQUER_CLIENT_HEADER_TIMEOUT'), CLIENT_TIMEOUT_DEFAULTS.headerMs),
      idleMs: parseTimeout('--client-idle-timeout', pick(flags.clientIdleTimeout, 'LACQUER_CLIENT_IDLE_TIMEOUT'), CLIENT_TIMEOUT_DEFAULTS.idleMs),
      bodyMs: parseTimeout('--client-body-timeout', pick(flags.clientBodyTimeout, 'LACQUER_CLIENT_BODY_TIMEOUT'), CLIENT_TIMEOUT_DEFAULTS.bodyMs),
      bodyMinRate: parseMinRate(pick(flags.clientBodyMinRate, 'LACQUER_CLIENT_BODY_MIN_RATE')),
    },
    workers,
    role,
    nodeUrl,
    token: pick(flags.token, 'LACQUER_TOKEN') ?? null,
    egress,
    cacheSizeBytes: parseCount('--cache-size', pick(flags.cacheSize, 'LACQUER_CACHE_SIZE') ?? '256', 1, 1024 * 1024) * MB,
    cacheMaxObjectBytes: parseCount('--cache-max-object', pick(flags.cacheMaxObject, 'LACQUER_CACHE_MAX_OBJECT') ?? '32', 1, 1024 * 1024) * MB,
    logLevel: parseLogLevel(pick(flags.logLevel, 'LACQUER_LOG_LEVEL') ?? 'info'),
    geoipDb: parseFiles('--geoip-db', pick(flags.geoipDb, 'LACQUER_GEOIP_DB')),
  };
}

/** The directory that holds the SQLite file (and the admin token), or `./data` for PostgreSQL. */
export function dataDir(db: string): string {
  return db.startsWith('sqlite:') ? path.dirname(db.slice('sqlite:'.length)) : './data';
}

/** `127.0.0.1:8080`, `[::1]:8080`, `:8080` (all addresses). */
export function parseListen(option: string, text: string): Listen {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  if (m === null) throw new OptionError(option, `must be HOST:PORT, got "${text}"`);
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  if (m[1] !== undefined && net.isIPv6(m[1]) === false) throw new OptionError(option, `"${m[1]}" is not an IPv6 address`);
  return { host, port: parseCount(option, m[3], 0, 65535) };
}

/** `--tls`: HOST:PORT as for `--edge`, or `off` for no HTTPS listener. */
function parseTlsListen(text: string): Listen | null {
  if (text === 'off') return null;
  if (!/:\d+$/.test(text)) throw new OptionError('--tls', `must be HOST:PORT or off, got "${text}"`);
  return parseListen('--tls', text);
}

function parseCount(option: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new OptionError(option, `must be a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new OptionError(option, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function parseLogLevel(text: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text.toLowerCase());
  if (level === undefined) throw new OptionError('--log-level', `must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}

/**
 * `--geoip-db`: one file, or several separated by commas (a City database and an ASN one, say).
 * Whether each is a readable MaxMind database is checked when the edge opens them (src/edge/geo/).
 */
function parseFiles(option: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  const files = text.split(',').map((f) => f.trim());
  if (files.some((f) => f === '')) throw new OptionError(option, `must be FILE or FILE,FILE…, with no empty name, got "${text}"`);
  return files;
}

/** Client timeouts are whole milliseconds, from 100 ms (a timer sweep's resolution) to an hour. */
function parseTimeout(option: string, text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : parseCount(option, text, 100, 3_600_000);
}

/** Bytes a second, at least 1: a body must make some progress once its timeout has passed. */
function parseMinRate(text: string | undefined): number {
  return text === undefined ? CLIENT_TIMEOUT_DEFAULTS.bodyMinRate : parseCount('--client-body-min-rate', text, 1, 1_000_000_000);
}

/** `--node-url`: an http(s) URL with a host and nothing after it but a `/`. */
function parseNodeUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OptionError('--node-url', `must be a URL like http://edge1.example:8080, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.username !== '' || url.password !== ''
    || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new OptionError('--node-url', `must be http:// or https:// with a host and an optional port only, like http://edge1.example:8080, got "${text}"`);
  }
}

function parseCidr(option: string, text: string): void {
  const [addr, bits, extra] = text.split('/');
  const family = net.isIP(addr ?? '');
  const max = family === 4 ? 32 : family === 6 ? 128 : 0;
  if (family === 0 || extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) {
    throw new OptionError(option, `"${text}" is not a CIDR like 192.0.2.0/24 or 2001:db8::/32`);
  }
}
