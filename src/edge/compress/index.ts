// Edge compression (Fastly's beresp.gzip / beresp.brotli) and Accept-Encoding normalisation.
export { acceptsCoding, normaliseAcceptEncoding, normalisedAcceptEncoding, ORIGINAL_FIELD, type ContentCoding } from './accept-encoding.ts';
export { decoder, encoder, isEncoded } from './codings.ts';
export { AS_IS, bodyIntent, compressedFields, addVary, weakenEtag, type BodyIntent } from './intent.ts';
export { compressUpstream } from './upstream.ts';
export { planDelivery, planFields, type DeliveryPlan } from './delivery.ts';
