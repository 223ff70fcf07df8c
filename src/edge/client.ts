// The client side of a request: when it went away, and the small synthetic answers the edge
// gives before any VCL runs (404 Domain Not Found, 508 Loop Detected, /ready).
import type http from 'node:http';

const clientSignals = new WeakMap<http.ServerResponse, AbortSignal>();

/**
 * Aborted when the client goes away before its response is complete. Made on first use —
 * only requests that go to an origin need one — and shared by every fetch of the request.
 */
export function clientGone(res: http.ServerResponse): AbortSignal {
  let signal = clientSignals.get(res);
  if (signal === undefined) {
    const abort = new AbortController();
    if (res.destroyed) abort.abort();
    else res.once('close', () => { if (!res.writableFinished) abort.abort(); });
    signal = abort.signal;
    clientSignals.set(res, signal);
  }
  return signal;
}

export function plain(res: http.ServerResponse, status: number, reason: string, body: string): void {
  res.writeHead(status, reason, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as Fastly shows IPv4 clients. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
