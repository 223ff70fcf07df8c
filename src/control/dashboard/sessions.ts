// Dashboard sessions. The browser holds only an opaque random id in an HttpOnly,
// SameSite=Strict cookie with an expiry; the API token it signed in with stays in this
// process's memory (OWASP Session Management cheat sheet: ids carry no meaning, 128+ bits).
// Every form carries the session's CSRF token, compared in constant time on every POST; the
// sign-in form, which has no session yet, uses a short-lived double-submit cookie instead.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'lacquer_session';
export const SIGNIN_COOKIE = 'lacquer_signin';
/** Sessions end this long after sign-in, whatever happens in between. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const SIGNIN_TTL_MS = 10 * 60 * 1000;

export interface Session {
  readonly id: string;
  readonly token: string;
  readonly csrf: string;
  readonly readOnly: boolean;
  /** The one service a scoped token may touch, or null. */
  readonly serviceId: string | null;
  readonly expiresAt: number;
  /** A one-time message for the next page (set after a redirect-after-POST). */
  flash: { readonly kind: 'ok' | 'error'; readonly text: string } | null;
}

export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(opts: { now?: () => number; ttlMs?: number } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
  }

  create(token: string, info: { readOnly: boolean; serviceId: string | null }): Session {
    this.#sweep();
    const session: Session = { id: randomId(), token, csrf: randomId(), ...info, expiresAt: this.#now() + this.#ttlMs, flash: null };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session for a cookie value, or null (unknown or expired). */
  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const s = this.#sessions.get(id);
    if (s === undefined) return null;
    if (s.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return null;
    }
    return s;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Expired sessions go on each sign-in, so the map never outgrows the live sessions by much. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && out[name] === undefined) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** RFC 6265 §4.1 Set-Cookie, scoped to the dashboard; `maxAgeMs` 0 deletes it. */
export function cookie(name: string, value: string, maxAgeMs: number, secure: boolean): string {
  const parts = [`${name}=${value}`, 'Path=/dashboard', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (maxAgeMs > 0) parts.push(`Expires=${new Date(Date.now() + maxAgeMs).toUTCString()}`);
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
