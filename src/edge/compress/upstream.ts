// Compressing a backend response while it streams: the fetch step hands the rest of the edge an
// UpstreamResponse whose body is the compressed one, so the cache stores the compressed bytes
// and the client is sent them, each at its own pace, without the whole body ever being held.
//
// The origin's verdict on its body carries over: a body that ended early is still "truncated"
// (never stored, and the client's connection is closed rather than the message ended), even
// though the encoder wrote a well-formed end to what it was given.
import type { Buffer } from 'node:buffer';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { UpstreamResponse, BodyOutcome } from '../upstream/index.ts';
import type { ContentCoding } from './accept-encoding.ts';
import { encoder } from './codings.ts';

export function compressUpstream(upstream: UpstreamResponse, coding: ContentCoding, sizeHint: number | null): UpstreamResponse {
  const source = upstream.body;
  let bytes = 0;
  // Counted on the way through, not by a 'data' listener, which would start the flow before
  // the client and the cache copier listen, and they would miss what flowed past.
  const encoded = encoder(coding, sizeHint).on('error', (err) => counted.destroy(err));
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  source.on('error', (err) => encoded.destroy(err));
  source.pipe(encoded).pipe(counted);
  const completed: Promise<BodyOutcome> = Promise.all([
    upstream.completed,
    finished(counted).then(() => true, () => false),
  ]).then(([outcome, ended]) => ({
    bytes,
    truncated: outcome.truncated || !ended,
    error: outcome.error,
  }));
  let truncated = false;
  void completed.then((o) => { truncated = o.truncated; });
  return {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: upstream.headers,
    whole: null,
    body: counted,
    completed,
    connectMs: upstream.connectMs,
    firstByteMs: upstream.firstByteMs,
    // The origin's verdict is known before the encoder's end is read, which is when the
    // client side asks (respond.ts); the encoder's own failure is in `completed`.
    get truncated() { return truncated || upstream.truncated; },
    received: false,
    discard() {
      upstream.discard();
      encoded.destroy();
      counted.destroy();
    },
  };
}
