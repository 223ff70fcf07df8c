// Fastly's cryptographic functions (digests, HMACs, base64 and hex), from the function
// reference (https://www.fastly.com/documentation/reference/vcl/functions/cryptographic/).
// Entries with a builder are the ones lacquer runs; define.ts explains an entry.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { a, f, opt } from './define.ts';
import type { Builder, FunctionSpec } from './define.ts';
import { unary } from './build.ts';
import { AWSV4_HMAC, BASE64URL_DECODE, base64url, hashHex, hmacBase64, hmacHex, SECURE_IS_EQUAL } from './crypto-builders.ts';

/** A hex digest of the UTF-8 bytes of a STRING. */
const hash = (alg: string): Builder => unary((s) => createHash(alg).update(s).digest('hex'));

export const DIGEST: readonly FunctionSpec[] = [
  // ── cryptographic ──
  f('digest.awsv4_hmac', 'STRING', [a('key', 'STRING'), a('date_stamp', 'STRING'), a('region', 'STRING'), a('service', 'STRING'), a('s', 'STRING')], AWSV4_HMAC),
  f('digest.base64', 'STRING', [a('input', 'STRING')], unary((s) => Buffer.from(s, 'utf8').toString('base64'))),
  f('digest.base64_decode', 'STRING', [a('s', 'STRING')], unary((s) => Buffer.from(s, 'base64').toString('utf8'))),
  f('digest.base64url', 'STRING', [a('s', 'STRING')], base64url(true)),
  f('digest.base64url_decode', 'STRING', [a('s', 'STRING')], BASE64URL_DECODE),
  f('digest.base64url_nopad', 'STRING', [a('s', 'STRING')], base64url(false)),
  f('digest.base64url_nopad_decode', 'STRING', [a('s', 'STRING')], BASE64URL_DECODE),
  f('digest.hash_crc32', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_crc32b', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_md5', 'STRING', [a('s', 'STRING')], hash('md5')),
  f('digest.hash_sha1', 'STRING', [a('s', 'STRING')], hash('sha1')),
  f('digest.hash_sha224', 'STRING', [a('s', 'STRING')], hashHex('sha224')),
  f('digest.hash_sha256', 'STRING', [a('s', 'STRING')], hash('sha256')),
  f('digest.hash_sha384', 'STRING', [a('s', 'STRING')], hashHex('sha384')),
  f('digest.hash_sha512', 'STRING', [a('s', 'STRING')], hashHex('sha512')),
  f('digest.hash_xxh32', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_xxh64', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_sha1_from_base64', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_sha256_from_base64', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_sha512_from_base64', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_xxh32_from_base64', 'STRING', [a('s', 'STRING')]),
  f('digest.hash_xxh64_from_base64', 'STRING', [a('s', 'STRING')]),
  f('digest.hmac_md5', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacHex('md5')),
  f('digest.hmac_md5_base64', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacBase64('md5')),
  f('digest.hmac_sha1', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacHex('sha1')),
  f('digest.hmac_sha1_base64', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacBase64('sha1')),
  f('digest.hmac_sha256', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacHex('sha256')),
  f('digest.hmac_sha256_base64', 'STRING', [a('key', 'STRING'), a('s', 'STRING')], hmacBase64('sha256')),
  f('digest.hmac_sha512', 'STRING', [a('key', 'STRING'), a('input', 'STRING')], hmacHex('sha512')),
  f('digest.hmac_sha512_base64', 'STRING', [a('key', 'STRING'), a('input', 'STRING')], hmacBase64('sha512')),
  f('digest.rsa_verify', 'BOOL', [a('hash_method', 'ID'), a('public_key', 'STRING'), a('payload', 'STRING'), a('digest', 'STRING'), opt('base64_variant', 'ID')]),
  f('digest.ecdsa_verify', 'BOOL', [a('hash_method', 'ID'), a('public_key', 'STRING'), a('payload', 'STRING'), a('digest', 'STRING'), a('digest_format', 'ID'), opt('base64_variant', 'ID')]),
  f('digest.secure_is_equal', 'BOOL', [a('s1', 'STRING'), a('s2', 'STRING')], SECURE_IS_EQUAL),
  f('digest.time_hmac_md5', 'STRING', [a('key', 'STRING'), a('interval', 'INTEGER'), a('offset', 'INTEGER')]),
  f('digest.time_hmac_sha1', 'STRING', [a('key', 'STRING'), a('interval', 'INTEGER'), a('offset', 'INTEGER')]),
  f('digest.time_hmac_sha256', 'STRING', [a('key', 'STRING'), a('interval', 'INTEGER'), a('offset', 'INTEGER')]),
  f('digest.time_hmac_sha512', 'STRING', [a('key', 'STRING'), a('interval', 'INTEGER'), a('offset', 'INTEGER')]),
  f('bin.hex_to_base64', 'STRING', [a('s', 'STRING')]),
  f('bin.base64_to_hex', 'STRING', [a('s', 'STRING')]),
  f('crypto.encrypt_hex', 'STRING', [a('cipher', 'ID'), a('mode', 'ID'), a('padding', 'ID'), a('key_hex', 'STRING'), a('iv_hex', 'STRING'), a('plaintext_hex', 'STRING')]),
  f('crypto.encrypt_base64', 'STRING', [a('cipher', 'ID'), a('mode', 'ID'), a('padding', 'ID'), a('key_hex', 'STRING'), a('iv_hex', 'STRING'), a('plaintext_base64', 'STRING')]),
  f('crypto.decrypt_hex', 'STRING', [a('cipher', 'ID'), a('mode', 'ID'), a('padding', 'ID'), a('key_hex', 'STRING'), a('iv_hex', 'STRING'), a('plaintext_base64', 'STRING')]),
  f('crypto.decrypt_base64', 'STRING', [a('cipher', 'ID'), a('mode', 'ID'), a('padding', 'ID'), a('key_hex', 'STRING'), a('iv_hex', 'STRING'), a('plaintext_base64', 'STRING')]),
];
