// The fetch step's part in edge compression and ESI: once vcl_fetch has said deliver (to be
// stored or passed), its beresp.gzip / beresp.brotli / do_esi become the body's intent, and a
// body to compress is compressed from here on — before the cache copies it, so the stored
// object is the compressed one, and on a pass too (Fastly compresses passed responses the same).
import type { RequestContext } from '../context.ts';
import type { Delivery } from '../respond.ts';
import { addVary, bodyIntent, compressedFields } from './intent.ts';
import { compressUpstream } from './upstream.ts';

export function applyBodyIntent(ctx: RequestContext, d: Delivery): void {
  const beresp = ctx.beresp;
  const bereq = ctx.bereq;
  if (beresp === null || bereq === null || d.upstream === null) return;
  const intent = bodyIntent(beresp, beresp, bereq.method);
  ctx.bodyIntent = intent;
  if (intent.coding === null) return;
  if (intent.esi) {
    // Compressed after assembly, on delivery (intent.ts): only Vary is known now.
    addVary(beresp.http);
    return;
  }
  const declared = Number(beresp.http.get('content-length') ?? 'NaN');
  compressedFields(beresp.http, intent.coding);
  d.upstream = compressUpstream(d.upstream, intent.coding, Number.isSafeInteger(declared) ? declared : null);
}
