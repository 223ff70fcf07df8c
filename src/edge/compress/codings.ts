// The streams that apply and remove a content coding, from node:zlib. Every one is a stream
// with zlib's own backpressure: nothing here ever holds a whole body.
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { ContentCoding } from './accept-encoding.ts';

/**
 * Brotli at quality 5, not zlib's default 11: quality 11 costs well over ten times the CPU of
 * gzip level 6 on a miss, quality 5 about the same as gzip while still compressing better.
 * Fastly does not publish its levels; its X-Compress-Hint page says on-the-fly compression
 * uses level 1, and stored objects are compressed once, so a middle level is the trade.
 */
const BROTLI_QUALITY = 5;

export function encoder(coding: ContentCoding, sizeHint: number | null): Transform {
  if (coding === 'gzip') return zlib.createGzip();
  const params: Record<number, number> = { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY };
  if (sizeHint !== null && Number.isSafeInteger(sizeHint) && sizeHint > 0) params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = sizeHint;
  return zlib.createBrotliCompress({ params });
}

export function decoder(coding: ContentCoding): Transform {
  return coding === 'gzip' ? zlib.createGunzip() : zlib.createBrotliDecompress();
}

/** Whether a Content-Encoding value says the body is not in the identity coding. */
export function isEncoded(contentEncoding: string | null): boolean {
  return contentEncoding !== null && contentEncoding.trim() !== '' && contentEncoding.trim().toLowerCase() !== 'identity';
}
