// A real control API on 127.0.0.1:0 over an in-memory SQLite store, with a stand-in VCL
// validator until src/vcl's checker lands (then: `validator: (files) => checkFiles(files)`).
import pino from 'pino';
import type { TestContext } from 'node:test';
import { buildControlApi, type VclDiagnostic, type VclValidator } from '../../src/control/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';

export const ADMIN = 'admin-secret-for-tests';

/** Stand-in checker: braces must balance, and a line containing `BROKEN` is an error. */
export const minimalValidator: VclValidator = (files) => {
  const diagnostics: VclDiagnostic[] = [];
  for (const f of files) {
    let depth = 0;
    f.content.split('\n').forEach((text, i) => {
      for (const ch of text) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      const col = text.indexOf('BROKEN');
      if (col >= 0) diagnostics.push({ code: 'syntax', severity: 'error', file: f.name, line: i + 1, col: col + 1, message: 'unexpected BROKEN' });
    });
    if (depth !== 0) diagnostics.push({ code: 'unbalanced', severity: 'error', file: f.name, line: 1, col: 1, message: 'unbalanced braces' });
  }
  return { diagnostics };
};

export interface Api {
  readonly base: string;
  readonly store: Store;
  /** fetch with the admin token (unless headers override it) and an optional body. */
  call(method: string, path: string, body?: Record<string, unknown> | string, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
}

export async function startApi(t: TestContext, opts: { validator?: VclValidator; egress?: string[] } = {}): Promise<Api> {
  const store = openSqliteStore(':memory:');
  const app = buildControlApi({
    store, validator: opts.validator ?? minimalValidator, pop: 'test', egress: opts.egress ?? ['192.0.2.0/24', '2001:db8::/32'],
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
