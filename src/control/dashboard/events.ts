// Live health for the browser. EventSource cannot send a Fastly-Key header, so the page opens
// /dashboard/events with its session cookie and this route relays the API's own
// `GET /health/events` stream, fetched in-process with the session's token (the same one
// mechanism as every other read).
import type { ServerResponse } from 'node:http';
import { sessionOf, type DashboardEnv } from './context.ts';

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
    const service = (request.query as Record<string, string | undefined>).service_id;
    const url = `/health/events${service === undefined ? '' : `?service_id=${encodeURIComponent(service)}`}`;
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
    stream.pipe(res);
    res.once('close', () => {
      open.delete(res);
      abort.abort();
      // Ends the API route's stream too, which removes its health listener.
      upstream.raw.res.destroy();
    });
  });
}
