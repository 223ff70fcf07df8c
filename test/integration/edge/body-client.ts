// Scripted origins and a keep-alive client for the request-body scenarios
// (request-bodies.test.ts, request-body-paths.test.ts).
import type { TestContext } from 'node:test';
import http from 'node:http';
import type { Socket } from 'node:net';
import { httpOrigin } from '../../edge/helpers.ts';
import type { Lacquer } from '../harness.ts';

export const HOST = 'reqbody.example';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentLength: string | null;
  readonly transferEncoding: string | null;
  readonly body: string;
}

/** An origin whose cacheable answer depends on the request body; it records what it was sent. */
export async function bodyEchoingOrigin(t: TestContext): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method ?? '', url: req.url ?? '', body,
        contentLength: req.headers['content-length'] ?? null, transferEncoding: req.headers['transfer-encoding'] ?? null,
      });
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      res.end(body === '' ? 'plain answer' : `answer for ${body}`);
    });
  });
  return { port, seen };
}

export interface Reply {
  readonly status: number;
  readonly cache: string | undefined;
  readonly body: string;
  /** The request went on a connection an earlier request of the same agent used. */
  readonly reused: boolean;
}

/** The connection each agent's last request went on. */
const lastSocket = new WeakMap<http.Agent, Socket>();

/** One request through `agent` (keep-alive, one socket: later requests reuse the connection). */
export function send(agent: http.Agent, lq: Lacquer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | readonly string[] }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: lq.edgePort, agent, method: opts.method ?? 'GET', path: opts.path,
      headers: { host: HOST, ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, cache: res.headers['x-cache'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'), reused,
      }));
      res.on('error', reject);
    });
    // Not `req.reusedSocket`: the agent leaves it false for a request that queued for the socket.
    let reused = false;
    req.once('socket', (socket) => {
      reused = lastSocket.get(agent) === socket;
      lastSocket.set(agent, socket);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${opts.path}: no answer within 5 s`)));
    req.on('error', reject);
    const body = opts.body;
    if (typeof body !== 'object') return void req.end(body);
    // Parts 50 ms apart: the edge sees the body arrive in pieces, not whole in one read.
    const next = (i: number): void => {
      if (i === body.length) return void req.end();
      req.write(body[i]);
      setTimeout(() => next(i + 1), 50);
    };
    next(0);
  });
}

export function keepAliveAgent(t: TestContext): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  return agent;
}
