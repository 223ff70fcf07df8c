// Scenario harness: a whole lacquer (store, control API, health registry, edge) started
// in-process on 127.0.0.1 port 0 with a temporary SQLite file and a known admin token, driven
// only through its real HTTP surfaces — the control API to configure, the edge to be a client.
// Scenarios read like a Varnish .vtc: origin script (test/edge/helpers.ts), edge, client,
// expectations. Everything started here is stopped by the calling test's `t.after`.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer, type LacquerDeps, type Running } from '../../src/process/primary.ts';

export const TOKEN = 'scenario-admin-token';

export type Fields = Record<string, string | number | boolean | null | readonly string[]>;

export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export interface ServiceSpec {
  readonly name?: string;
  readonly domains: readonly string[];
  /** Fastly API backend fields (`name`, `address`, `port`, `healthcheck`, …). */
  readonly backends: readonly Fields[];
  readonly healthchecks?: readonly Fields[];
  /** Director fields plus the member backends' API names. */
  readonly directors?: ReadonlyArray<Fields & { readonly members: readonly string[] }>;
  /** A main custom VCL file; backends and directors above are declared before it. */
  readonly vcl?: string;
}

export interface EdgeRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | Readable;
  /** Abort the request (and fail the test) after this long. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface EdgeReply {
  /** `HTTP/1.1 503 first byte timeout`: exactly what the edge put on the wire (Node parses it). */
  readonly statusLine: string;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The response ended cleanly (false: the connection was closed before the message was complete). */
  readonly complete: boolean;
}

export interface Lacquer {
  readonly running: Running;
  readonly apiUrl: string;
  readonly edgePort: number;
  /** The HTTPS listener's port (`--tls 127.0.0.1:0`). */
  readonly tlsPort: number;
  readonly pop: string;
  /** One control API call with the admin token; JSON bodies. */
  api(method: string, urlPath: string, body?: unknown): Promise<ApiReply>;
  /** Like `api`, but asserts a 2xx answer and returns the parsed body. */
  apiOk(method: string, urlPath: string, body?: unknown): Promise<unknown>;
  /** Creates a service with version 1 holding `spec`, activates it and waits until the edge routes it. */
  createService(spec: ServiceSpec): Promise<string>;
  /** Fills an editable version with `spec` (domains, healthchecks, backends, directors, vcl). */
  fill(serviceId: string, version: number, spec: ServiceSpec): Promise<void>;
  /** Activates a version and waits until the edge was handed it. */
  activate(serviceId: string, version: number): Promise<void>;
  /** One request to the edge with `Host: host`, on a fresh connection. */
  edge(host: string, req?: EdgeRequest): Promise<EdgeReply>;
}

export interface LacquerOptions {
  readonly pop?: string;
  /** Where the process logs; silent when not given. */
  readonly logger?: pino.Logger;
  /** `--geoip-db`: MaxMind database file(s), comma-separated. */
  readonly geoipDb?: string;
  /** `--workers`: edge worker processes (default 0: the edge runs in the test's process). */
  readonly workers?: number;
  /** The certificates HTTPS serves (the TLS API's part, given directly). */
  readonly tlsMaterial?: LacquerDeps['tlsMaterial'];
}

export async function startEdgeStack(t: TestContext, options: LacquerOptions = {}): Promise<Lacquer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-scenario-'));
  const pop = options.pop ?? 'scn';
  const serve = resolveServeOptions({
    edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${path.join(dir, 'lacquer.db')}`, workers: String(options.workers ?? 0), token: TOKEN, pop,
    ...(options.geoipDb === undefined ? {} : { geoipDb: options.geoipDb }),
  }, {});
  const running = await startLacquer(serve, options.logger ?? pino({ level: 'silent' }), options.tlsMaterial === undefined ? {} : { tlsMaterial: options.tlsMaterial });
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.notEqual(running.apiUrl, null);
  assert.notEqual(running.edgePort, null);
  const apiUrl = running.apiUrl as string;
  const edgePort = running.edgePort as number;
  const tlsPort = running.tlsPort as number;

  const api = async (method: string, urlPath: string, body?: unknown): Promise<ApiReply> => {
    const init: RequestInit = { method, headers: { 'fastly-key': TOKEN } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'fastly-key': TOKEN, 'content-type': 'application/json' };
    }
    const res = await fetch(`${apiUrl}${urlPath}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, text };
  };
  const apiOk = async (method: string, urlPath: string, body?: unknown): Promise<unknown> => {
    const reply = await api(method, urlPath, body);
    assert.ok(reply.status >= 200 && reply.status < 300, `${method} ${urlPath} → ${reply.status} ${reply.text}`);
    return reply.body;
  };

  const fill = async (sid: string, v: number, spec: ServiceSpec): Promise<void> => {
    const base = `/service/${sid}/version/${v}`;
    for (const name of spec.domains) await apiOk('POST', `${base}/domain`, { name });
    for (const hc of spec.healthchecks ?? []) await apiOk('POST', `${base}/healthcheck`, hc);
    for (const b of spec.backends) await apiOk('POST', `${base}/backend`, b);
    for (const { members, ...d } of spec.directors ?? []) {
      await apiOk('POST', `${base}/director`, d);
      for (const m of members) await apiOk('POST', `${base}/director/${String(d.name)}/backend/${m}`);
    }
    if (spec.vcl !== undefined) await apiOk('POST', `${base}/vcl`, { name: 'main.vcl', content: spec.vcl, main: true });
  };

  const activate = async (sid: string, v: number): Promise<void> => {
    await apiOk('PUT', `/service/${sid}/version/${v}/activate`);
    await waitFor(() => running.published(sid) === v, 5_000, `version ${v} of ${sid} reaches the edge`);
  };

  return {
    running, apiUrl, edgePort, tlsPort, pop, api, apiOk, fill, activate,
    async createService(spec) {
      const created = await apiOk('POST', '/service', { name: spec.name ?? `svc-${spec.domains[0]}` }) as { id: string };
      await fill(created.id, 1, spec);
      await activate(created.id, 1);
      return created.id;
    },
    edge: (host, req = {}) => request(edgePort, host, req),
  };
}

/** Polls `check` every 5 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One HTTP/1.1 request on its own connection; the body is read to its end or to the connection's. */
export function request(port: number, host: string, req: EdgeRequest = {}): Promise<EdgeReply> {
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path ?? '/', agent: false,
      headers: { host, ...req.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      let complete = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { complete = res.complete; });
      res.on('error', () => {});
      res.on('close', () => {
        clearTimeout(timer);
        resolve({
          statusLine: `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`,
          status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
          complete: complete && res.complete,
        });
      });
    });
    const timer = setTimeout(() => r.destroy(new Error(`edge request ${req.path ?? '/'} took more than ${req.timeoutMs ?? 10_000} ms`)), req.timeoutMs ?? 10_000);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    const body = req.body;
    if (body === undefined) r.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) r.end(body);
    else body.pipe(r);
  });
}

/** The VCL name the generator gives an API backend (DESIGN.md §4.2). */
export function vclName(apiName: string): string {
  return `F_${apiName.replace(/[^A-Za-z0-9]/g, '_')}`;
}
