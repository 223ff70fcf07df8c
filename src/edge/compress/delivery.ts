// What the edge does to a body on its way to one client, decided just before vcl_deliver (so
// vcl_deliver sees the fields the client will get) from the body's intent (intent.ts) and the
// client's own Accept-Encoding — the value it sent, not the normalised one, which VCL may have
// changed and which names one coding only.
//
//   stored compressed, client accepts the coding ─▶ sent as stored (ranges on the compressed bytes)
//   stored compressed, client does not accept it ─▶ decompressed while it streams, sent chunked
//   ESI template ─▶ assembled ─▶ compressed after assembly when the intent and the client say so
//
// A body that is transformed on its way out has no length known in advance and no byte ranges:
// a Range request gets the whole body, 200 (RFC 9110 §14.2 lets a server ignore Range).
import { acceptsCoding, type ContentCoding } from './accept-encoding.ts';
import type { Fields } from './fields.ts';
import { compressedFields, type BodyIntent } from './intent.ts';

export interface DeliveryPlan {
  /** Remove this coding (the edge applied it, the client does not accept it). */
  readonly decode: ContentCoding | null;
  /** Run ESI on the (uncompressed) body. */
  readonly esi: boolean;
  /** Apply this coding last (an assembled ESI page). */
  readonly encode: ContentCoding | null;
}

/**
 * The plan for a body with `intent`, or null when it goes out as it is. `esiEnabled` is
 * `req.esi` (Fastly: false turns ESI processing off for the request).
 */
export function planDelivery(intent: BodyIntent, acceptEncoding: string | null, esiEnabled: boolean): DeliveryPlan | null {
  const coding = intent.coding;
  if (intent.esi) {
    const encode = coding !== null && acceptsCoding(acceptEncoding, coding) ? coding : null;
    if (!esiEnabled && encode === null) return null;
    return { decode: null, esi: esiEnabled, encode };
  }
  if (coding === null || acceptsCoding(acceptEncoding, coding)) return null;
  return { decode: coding, esi: false, encode: null };
}

/** The response fields that go with a plan. */
export function planFields(plan: DeliveryPlan, http: Fields): void {
  http.unset('content-length');
  http.unset('accept-ranges');
  if (plan.decode !== null) http.unset('content-encoding');
  if (plan.encode !== null) compressedFields(http, plan.encode);
}
