// The origin side of the cache scenarios: an HTTP server on 127.0.0.1 that runs the test's
// script, counts what reached it (per path), and can be killed mid-test like a crashed origin.
// Stopped by the calling test's `t.after` if the test did not kill it.

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface Origin {
  readonly port: number;
  /** Every request that reached the origin, in arrival order. */
  readonly seen: SeenRequest[];
  /** How many requests reached the origin for `url` (all, when omitted). */
  count(url?: string, method?: string): number;
  /** Closes the listener and every connection: later connects are refused. */
  kill(): Promise<void>;
}

export type OriginScript = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

export async function origin(t: TestContext, script: OriginScript): Promise<Origin> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    script(req, res, seen.filter((s) => s.url === req.url).length);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let alive = true;
  const kill = async (): Promise<void> => {
    if (!alive) return;
    alive = false;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  };
  t.after(kill);
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    count: (url, method) => seen.filter((s) => (url === undefined || s.url === url) && (method === undefined || s.method === method)).length,
    kill,
  };
}

/** A response from a script: status 200, the given fields, and the body. */
export function send(res: http.ServerResponse, headers: Record<string, string>, body: string | Buffer, status = 200): void {
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** A promise the test resolves when it wants a held origin response to go out. */
export function gate(): { readonly opened: Promise<void>; open(): void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
