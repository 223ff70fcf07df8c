// API tokens (DESIGN.md §4.1 `--token`, §4.2 Auth). Only the SHA-256 of a token is stored; a
// presented token is hashed, looked up, and the stored hash compared with timingSafeEqual so the
// comparison itself leaks nothing about how much of it matched.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store, TokenRow } from '../store/index.ts';
import { ApiError } from './errors.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): string {
  return randomBytes(24).toString('base64url');
}

export interface TokenOptions {
  readonly name?: string | null;
  readonly serviceId?: string | null;
  readonly readOnly?: boolean;
  /** Use this secret instead of a random one (seeding from --token). */
  readonly secret?: string;
}

/** Creates a token and returns its secret: the only time it is ever visible. */
export async function createToken(store: Store, options: TokenOptions = {}): Promise<{ secret: string; token: TokenRow }> {
  const secret = options.secret ?? newTokenSecret();
  const token: TokenRow = {
    id: randomUUID(), hash: hashToken(secret), name: options.name ?? null, serviceId: options.serviceId ?? null,
    readOnly: options.readOnly ?? false, createdAt: new Date().toISOString(),
  };
  await store.transaction((tx) => tx.insertToken(token));
  return { secret, token };
}

/** Makes `secret` a valid admin token (idempotent). */
export async function ensureAdminToken(store: Store, secret: string): Promise<void> {
  const hash = hashToken(secret);
  await store.transaction(async (tx) => {
    if (await tx.getTokenByHash(hash) !== null) return;
    await tx.insertToken({ id: randomUUID(), hash, name: 'admin', serviceId: null, readOnly: false, createdAt: new Date().toISOString() });
  });
}

/**
 * `--token`/`LACQUER_TOKEN` seeds the admin token; without one, the first start creates one
 * and writes it to `<dataDir>/admin-token` (mode 0600), and later starts reuse that file.
 */
export async function bootstrapAdminToken(opts: { store: Store; token?: string; dataDir: string; logger: Logger }): Promise<string> {
  if (opts.token !== undefined && opts.token !== '') {
    await ensureAdminToken(opts.store, opts.token);
    return opts.token;
  }
  const file = join(opts.dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    await ensureAdminToken(opts.store, secret);
    return secret;
  }
  const secret = newTokenSecret();
  await ensureAdminToken(opts.store, secret);
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  opts.logger.warn({ file }, 'created an admin token; it is in this file (mode 0600)');
  return secret;
}

/** The token in `Fastly-Key` or `Authorization: Bearer`, or null. */
export function presentedToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | null {
  const key = headers['fastly-key'];
  if (typeof key === 'string' && key !== '') return key;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m !== null) return m[1];
  }
  return null;
}

export async function authenticate(store: Store, secret: string | null): Promise<TokenRow> {
  if (secret === null) throw new ApiError('unauthorized', null);
  const hash = hashToken(secret);
  const row = await store.transaction((tx) => tx.getTokenByHash(hash));
  if (row === null || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) {
    throw new ApiError('unauthorized', null);
  }
  return row;
}

export type Access = 'public' | 'read' | 'write' | 'admin';

/**
 * Throws 403 when `token` may not do `access` on `serviceId`. null: the request is not about
 * one service (it lists or streams every service's data, or the POP's): only a token for every
 * service may make it. A route that answers a scoped token with its own service's data only
 * says so in the route table (RouteSpec.scoped) and passes the token's service here.
 */
export function authorize(token: TokenRow, access: Access, serviceId: string | null): void {
  if (access === 'admin' && (token.serviceId !== null || token.readOnly)) {
    throw new ApiError('forbidden', 'this needs an admin token (not scoped to a service, not read-only)');
  }
  if (access === 'write' && token.readOnly) throw new ApiError('forbidden', 'this token is read-only');
  if (token.serviceId !== null && serviceId === null) {
    throw new ApiError('forbidden', `this token is scoped to service ${token.serviceId}; this needs a token for every service`);
  }
  if (token.serviceId !== null && serviceId !== token.serviceId) {
    throw new ApiError('forbidden', `this token is scoped to service ${token.serviceId}`);
  }
}

/** Whether `token` may do `access` on `serviceId` (authorize without the throw). */
export function may(token: TokenRow, access: Access, serviceId: string | null): boolean {
  try {
    authorize(token, access, serviceId);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return false;
    throw err;
  }
}
