// How lacquer runs Fastly's HMAC, digest and base64 functions (functions/digest.ts declares them).
// Strings are hashed as their UTF-8 bytes. The hexadecimal HMACs carry Fastly's `0x` prefix
// (Fastly's examples: digest.hmac_sha256("key", "…") is "0xf7bc83…"); the base64 ones do not.
//
// Source: https://www.fastly.com/documentation/reference/vcl/functions/cryptographic/
import { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Builder } from './define.ts';
import { binary, str, unary } from './build.ts';
import type { S } from './build.ts';

/** `digest.hmac_<alg>(key, s)`: `0x` and the lowercase hex MAC. */
export const hmacHex = (alg: string): Builder => binary((key, s) => `0x${createHmac(alg, key).update(s).digest('hex')}`);

/** `digest.hmac_<alg>_base64(key, s)`: the MAC in base64. */
export const hmacBase64 = (alg: string): Builder => binary((key, s) => createHmac(alg, key).update(s).digest('base64'));

/** `digest.hash_<alg>(s)`: the lowercase hex digest. */
export const hashHex = (alg: string): Builder => unary((s) => createHash(alg).update(s).digest('hex'));

/**
 * `digest.awsv4_hmac(key, date_stamp, region, service, s)`: AWS Signature Version 4 — the
 * signing key derived from "AWS4" + key through date, region, service and "aws4_request", then
 * the signature of s, in lowercase hex (AWS's "Deriving the signing key" and Fastly's page: the
 * caller does not add "AWS4").
 */
export const AWSV4_HMAC: Builder = ([k, d, r, sv, m]) => {
  const key = k as S; const date = d as S; const region = r as S; const service = sv as S; const s = m as S;
  return (c, fr) => {
    const mac = (secret: Buffer | string, data: string): Buffer => createHmac('sha256', secret).update(data).digest();
    const signing = mac(mac(mac(mac(`AWS4${str(key(c, fr))}`, str(date(c, fr))), str(region(c, fr))), str(service(c, fr))), 'aws4_request');
    return createHmac('sha256', signing).update(str(s(c, fr))).digest('hex');
  };
};

/** `digest.secure_is_equal(s1, s2)`: equality in time that depends only on the lengths. */
export const SECURE_IS_EQUAL: Builder = binary((a, b) => {
  const x = Buffer.from(a, 'utf8'); const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
});

/** `digest.base64url(s)` (padded), `digest.base64url_nopad(s)`: RFC 4648 §5's alphabet. */
export const base64url = (padded: boolean): Builder => unary((s) => {
  const out = Buffer.from(s, 'utf8').toString('base64url');
  return padded ? out.padEnd(Math.ceil(out.length / 4) * 4, '=') : out;
});

/** `digest.base64url_decode(s)` and `…_nopad_decode(s)`: padding optional either way. */
export const BASE64URL_DECODE: Builder = unary((s) => Buffer.from(s.replace(/=+$/, ''), 'base64url').toString('utf8'));
