// A browser-less client for the dashboard: follows its cookies and forms by hand, so the HTTP
// tests can check exactly what a browser would be sent.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { buildControlApi } from '../../src/control/index.ts';
import type { HealthEvent } from '../../src/health/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { vclValidator } from '../../src/vcl/index.ts';
import { ADMIN, startApi, type Api } from './helpers.ts';

export interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly setCookies: string[];
  readonly text: string;
}

export class Browserless {
  readonly base: string;
  cookies = new Map<string, string>();

  constructor(base: string) {
    this.base = base;
  }

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (attrs.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), setCookies, text: await res.text() };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** POSTs a form with the CSRF token found on `fromPage` (a GET first). */
  async submit(fromPage: string, action: string, form: Record<string, string | string[]>): Promise<Answer> {
    const page = await this.get(fromPage);
    assert.equal(page.status, 200, `GET ${fromPage}: ${page.status}`);
    return this.request('POST', action, { _csrf: csrfOf(page.text), ...form });
  }

  async signIn(token: string): Promise<Answer> {
    const form = await this.get('/dashboard/signin');
    const nonce = /name="_signin" value="([^"]+)"/.exec(form.text)?.[1];
    assert.ok(nonce !== undefined, 'sign-in form has its nonce');
    return this.request('POST', '/dashboard/signin', { _signin: nonce, token, next: '/dashboard/services' });
  }
}

export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  assert.ok(m !== null, 'page has a CSRF field');
  return m[1];
}

/** The text of the paragraph with this id, tags stripped, or null. */
export function textOf(page: string, id: string): string | null {
  const m = new RegExp(`<p[^>]* id="${id}"[^>]*>([\\s\\S]*?)</p>`).exec(page);
  if (m === null) return null;
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  return m[1].replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]).trim();
}

export async function signedIn(t: TestContext, token = ADMIN): Promise<{ api: Api; browser: Browserless }> {
  const api = await startApi(t);
  const browser = new Browserless(api.base);
  const res = await browser.signIn(token);
  assert.equal(res.status, 303, res.text);
  return { api, browser };
}

export async function newService(api: Api, name: string): Promise<string> {
  const res = await api.call('POST', '/service', { name });
  assert.equal(res.status, 200);
  return (res.body as { id: string }).id;
}

/** A health engine whose events the test emits by hand. */
export class FakeHealth extends EventEmitter<{ health: [HealthEvent] }> {
  snapshot(serviceId: string) {
    return { service_id: serviceId, backends: [] };
  }
  setAdmin(): boolean {
    return false;
  }
}

/** A control API with a FakeHealth behind /health/events, listening on 127.0.0.1:0. */
export async function startWithHealth(t: TestContext): Promise<{ base: string; health: FakeHealth; call: (method: string, path: string, body?: Record<string, unknown>) => Promise<unknown> }> {
  const store = openSqliteStore(':memory:');
  const health = new FakeHealth();
  const app = buildControlApi({ store, validator: vclValidator, pop: 'test', egress: [], logger: pino({ level: 'silent' }), adminToken: ADMIN, health });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const call = async (method: string, path: string, body?: Record<string, unknown>): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { 'fastly-key': ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
    return res.json();
  };
  return { base, health, call };
}
