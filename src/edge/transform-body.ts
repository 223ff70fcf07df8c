// Sending a body the edge transforms on its way to the client (a DeliveryPlan from
// src/edge/compress/delivery.ts): decompressed for a client that does not accept the stored
// coding, assembled from ESI includes, compressed after assembly. Every stage is a stream with
// backpressure, so no stage holds a whole body: what the client does not read is not produced.
//
// Ownership: called by respond() instead of its own sending when the plan transforms the body.
// The source — a stored object's bytes or the upstream body, which the cache copier may also be
// reading — is read only through the chain built here. When the client goes away the chain is
// destroyed, which stops fetching includes and abandons the upstream body (never stored: it was
// not read to its end). A failure inside the chain (a corrupt coding, an include that broke)
// closes the client's connection rather than ending the message, as a truncated origin body
// does (respond.ts).
import type { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { decoder, encoder } from './compress/index.ts';
import type { DeliveryPlan } from './compress/index.ts';
import { assemble, type Includer } from './esi/index.ts';
import type { ClientResponse } from './http1/index.ts';

export interface TransformSource {
  readonly body: Readable;
  /** Whether the source ended early (known by the time its end was read). */
  readonly truncated: () => boolean;
}

export function sendTransformed(plan: DeliveryPlan, source: TransformSource, res: ClientResponse, includer: Includer | null, finish: (bytes: number) => void): void {
  let out: Readable = source.body;
  if (plan.decode !== null) out = link(out, decoder(plan.decode));
  if (plan.esi && includer !== null) out = assemble(out, includer);
  if (plan.encode !== null) out = link(out, encoder(plan.encode, null));
  let bytes = 0;
  let done = false;
  const end = (ok: boolean): void => {
    if (done) return;
    done = true;
    if (ok) res.end();
    else res.destroy();
    finish(bytes);
  };
  res.once('close', () => {
    if (!done) {
      out.destroy();
      source.body.destroy();
      end(false);
    }
  });
  out.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (!res.write(chunk)) {
      out.pause();
      res.once('drain', () => out.resume());
    }
  });
  out.once('end', () => end(!source.truncated()));
  out.once('error', () => {
    source.body.destroy();
    end(false);
  });
}

/** `from` piped into `to`, with `from`'s failure passed on (pipe() alone would leave `to` open). */
function link(from: Readable, to: NodeJS.ReadWriteStream & Readable): Readable {
  from.once('error', (err) => to.destroy(err));
  from.pipe(to);
  return to;
}
