// A real control API on 127.0.0.1:0 over an in-memory SQLite store, validating VCL with the
// same parse → check → compile path the edge runs.
import pino from 'pino';
import type { TestContext } from 'node:test';
import { buildControlApi, type VclValidator } from '../../src/control/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';

export const ADMIN = 'admin-secret-for-tests';

export interface Api {
  readonly base: string;
  readonly store: Store;
  /** fetch with the admin token (unless headers override it) and an optional body. */
  call(method: string, path: string, body?: Record<string, unknown> | string, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
}

export async function startApi(t: TestContext, opts: { validator?: VclValidator; egress?: string[] } = {}): Promise<Api> {
  const store = openSqliteStore(':memory:');
  const app = buildControlApi({
    store, validator: opts.validator ?? vclValidator, pop: 'test', egress: opts.egress ?? ['192.0.2.0/24', '2001:db8::/32'],
    logger: pino({ level: 'silent' }), adminToken: ADMIN,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return {
    base, store,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { 'fastly-key': ADMIN, ...headers } };
      if (typeof body === 'string') {
        init.body = body;
        (init.headers as Record<string, string>)['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, text };
    },
  };
}
