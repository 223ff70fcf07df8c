// Sends an HTTP endpoint's batches: one undici Agent per endpoint (its TLS options), a bounded
// time per request, the body compressed when the endpoint asks for it. A 2xx answer is delivery;
// 408, 429 and 5xx (and a failed connection) are retried by the queue; any other 4xx means the
// receiver will never take the batch, so it is dropped and counted (PermanentDeliveryError).
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import type tls from 'node:tls';
import type { HttpBatch } from './payloads.ts';
import { PermanentDeliveryError } from './queue.ts';

const gzip = promisify(zlib.gzip);
const zstd = promisify(zlib.zstdCompress);

export interface HttpSenderOptions {
  readonly tls: tls.ConnectionOptions;
  /** Replaces the scheme, host and port of every URL (operator's --log-intake, and tests). */
  readonly intake: string | null;
  readonly compression: { readonly codec: 'gzip' | 'zstd'; readonly level: number } | null;
  readonly timeoutMs?: number;
}

export function withIntake(url: string, intake: string | null): string {
  if (intake === null) return url;
  const target = new URL(url);
  const base = new URL(intake);
  target.protocol = base.protocol;
  target.host = base.host;
  return target.toString();
}

export class HttpSender {
  readonly #o: HttpSenderOptions;
  readonly #agent: Agent;

  constructor(options: HttpSenderOptions) {
    this.#o = options;
    const timeout = options.timeoutMs ?? 10_000;
    this.#agent = new Agent({ connect: { ...options.tls, timeout }, headersTimeout: timeout, bodyTimeout: timeout, connections: 2 });
  }

  async send(batch: HttpBatch): Promise<void> {
    const headers = { ...batch.headers };
    let body: string | Buffer = batch.body;
    const c = this.#o.compression;
    if (c !== null) {
      body = c.codec === 'gzip' ? await gzip(body, { level: c.level }) : await zstd(body);
      headers['content-encoding'] = c.codec;
    }
    const res = await request(withIntake(batch.url, this.#o.intake), { method: batch.method, headers, body, dispatcher: this.#agent });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const why = `${batch.method} ${batch.url}: ${res.statusCode}`;
    if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) throw new PermanentDeliveryError(why);
    throw new Error(why);
  }

  close(): void {
    void this.#agent.close();
  }
}
