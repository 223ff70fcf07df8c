// Live health for the browser. EventSource cannot send a Fastly-Key header, so the page opens
// /dashboard/events with its session cookie and this route relays the API's own
// `GET /health/events` stream, fetched in-process with the session's token (the same one
// mechanism as every other read).
// A page watches one service, so the relay passes on only that service's part of each event:
// an event about a probe that several services share names every service's backend, and a
// token scoped to one service must not learn the others' ids and backend names from it.
import type { ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { sessionOf, type DashboardEnv } from './context.ts';

/**
 * Server-Sent Events (HTML Living Standard §9.2) arrive as blocks ending in a blank line; this
 * keeps comments, and rewrites each `health` event to the backends of `serviceId`, dropping
 * it when none is left.
 */
export class ServiceEvents extends Transform {
  readonly #serviceId: string;
  #pending = '';

  constructor(serviceId: string) {
    super({ decodeStrings: true, encoding: 'utf8' });
    this.#serviceId = serviceId;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#pending += chunk.toString('utf8');
    let end = this.#pending.indexOf('\n\n');
    while (end !== -1) {
      const block = this.#pending.slice(0, end);
      this.#pending = this.#pending.slice(end + 2);
      const kept = this.#filter(block);
      if (kept !== null) this.push(`${kept}\n\n`);
      end = this.#pending.indexOf('\n\n');
    }
    done();
  }

  #filter(block: string): string | null {
    const lines = block.split('\n');
    const data = lines.find((l) => l.startsWith('data: '));
    if (!lines.includes('event: health') || data === undefined) return block;
    let event: { backends?: Array<{ service_id?: unknown }> };
    try {
      event = JSON.parse(data.slice('data: '.length)) as typeof event;
    } catch {
      return null; // not an event this relay can vouch for; the page does without it
    }
    const backends = (event.backends ?? []).filter((b) => b.service_id === this.#serviceId);
    if (backends.length === 0) return null;
    return `event: health\ndata: ${JSON.stringify({ ...event, backends })}`;
  }
}

export function registerEvents(env: DashboardEnv): void {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves; end them so closing the server does not wait for browsers.
  env.app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    done();
  });

  env.app.get('/dashboard/events', async (request, reply) => {
    const session = sessionOf(env, request);
    if (session === null) return reply.code(401).type('text/plain; charset=utf-8').send('Sign in first.\n');
    const asked = (request.query as Record<string, string | undefined>).service_id;
    const service = asked ?? session.serviceId;
    if (session.serviceId !== null && service !== session.serviceId) {
      return reply.code(403).type('text/plain; charset=utf-8').send('This token is scoped to another service.\n');
    }
    const url = `/health/events${service === null ? '' : `?service_id=${encodeURIComponent(service)}`}`;
    const abort = new AbortController();
    const upstream = await env.app.inject({ method: 'GET', url, headers: { 'fastly-key': session.token }, payloadAsStream: true, signal: abort.signal });
    if (upstream.statusCode !== 200) {
      abort.abort();
      return reply.code(upstream.statusCode === 404 ? 404 : 502).type('text/plain; charset=utf-8').send('Health events are not available here.\n');
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    open.add(res);
    const stream = upstream.stream();
    stream.on('error', () => res.end());
    (service === null ? stream : stream.pipe(new ServiceEvents(service))).pipe(res);
    res.once('close', () => {
      open.delete(res);
      abort.abort();
      // Ends the API route's stream too, which removes its health listener.
      upstream.raw.res.destroy();
    });
  });
}
