// A client for responses whose bytes matter (compressed bodies): the body as a Buffer, exactly
// as the edge sent it, and whether it came chunked.
import http from 'node:http';
import zlib from 'node:zlib';
import { Buffer } from 'node:buffer';

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The message ended cleanly (false: the edge closed the connection mid-body). */
  readonly complete: boolean;
}

export function get(port: number, host: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete });
      });
    });
    const timer = setTimeout(() => r.destroy(new Error(`${path} took more than 10 s`)), 10_000);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    r.end();
  });
}

export function gunzip(body: Buffer): string {
  return zlib.gunzipSync(body).toString('utf8');
}

export function unbrotli(body: Buffer): string {
  return zlib.brotliDecompressSync(body).toString('utf8');
}
