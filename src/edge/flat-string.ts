// A string kept for reuse in text built per request (a response head, an access-log line),
// made flat once. V8 builds `a + b` as a rope of its pieces and walks every piece again whenever
// the whole is copied out (to a Buffer, or by the log stream): a cached rope is walked on every
// response that includes it. A round trip through bytes yields one flat string.

/** A UTF-16 unit above U+00FF: such text is copied through UTF-8 rather than latin1. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/** One flat copy of `text`, which must be well formed (no lone surrogates: JSON.stringify output is). */
export function flatString(text: string): string {
  return !BEYOND_LATIN1.test(text) ? Buffer.from(text, 'latin1').toString('latin1') : Buffer.from(text, 'utf8').toString('utf8');
}
