// S3 delivery: each batch is one object, PUT with an AWS Signature Version 4 (the `aws4`
// signer: a maintained, dependency-free implementation of AWS's signing process, so lacquer does
// not hand-roll canonical requests). As Fastly's S3 endpoint: the object's key is the endpoint's
// `path` (strftime directives expanded when the file is written), then its `timestamp_format`
// time and a random part, `.log`, plus `.gz` or `.zst` when compressed; `redundancy`,
// `server_side_encryption(_kms_key_id)` and `acl` become Amazon's x-amz-* headers
// (https://www.fastly.com/documentation/reference/api/logging/s3/, Amazon S3 PutObject).
// `domain` names an S3-compatible store; a host that is not Amazon's is addressed path-style.
// With `iam_role`, the credentials are the lacquer process's own (AWS_ACCESS_KEY_ID, …), as an
// instance role provides them.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import aws4 from 'aws4';
import { Agent, request } from 'undici';
import type { S3Record } from '../../model/api/logging/index.ts';
import { strftime } from '../../vcl/runtime/log-values.ts';
import { withIntake } from './http.ts';
import { PermanentDeliveryError } from './queue.ts';

const gzip = promisify(zlib.gzip);
const zstd = promisify(zlib.zstdCompress);

/** `s3.eu-west-1.amazonaws.com` → eu-west-1; anything else us-east-1 (Amazon's default, and what S3-compatible stores accept). */
export function s3Region(domain: string): string {
  return /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(domain)?.[1] ?? 'us-east-1';
}

export function objectKey(r: S3Record, at: Date, random: string): string {
  const dir = strftime(r.path ?? '/', at.getTime()).replace(/^\/+/, '');
  const suffix = r.compression_codec === 'zstd' ? '.log.zst' : r.compression_codec === 'gzip' || r.gzip_level > 0 ? '.log.gz' : '.log';
  return `${dir}${dir === '' || dir.endsWith('/') ? '' : '/'}${strftime(r.timestamp_format, at.getTime())}-${random}${suffix}`;
}

export class S3Sender {
  readonly #r: S3Record;
  readonly #intake: string | null;
  readonly #agent = new Agent({ connect: { timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 30_000, connections: 1 });

  constructor(record: S3Record, intake: string | null) {
    this.#r = record;
    this.#intake = intake;
  }

  async send(lines: readonly string[], now = new Date()): Promise<void> {
    const r = this.#r;
    let body: Buffer = Buffer.from(`${lines.join('\n')}\n`);
    if (r.compression_codec === 'zstd') body = await zstd(body);
    else if (r.compression_codec === 'gzip' || r.gzip_level > 0) body = await gzip(body, { level: r.gzip_level > 0 ? r.gzip_level : 6 });
    const amazon = r.domain.endsWith('amazonaws.com');
    const key = objectKey(r, now, randomBytes(6).toString('base64url'));
    const path = `${amazon ? '' : `/${r.bucket_name}`}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const url = new URL(withIntake(`https://${amazon ? `${r.bucket_name}.${r.domain}` : r.domain}${path}`, this.#intake));
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (r.redundancy !== null) headers['x-amz-storage-class'] = r.redundancy.toUpperCase();
    if (r.server_side_encryption !== null) headers['x-amz-server-side-encryption'] = r.server_side_encryption;
    if (r.server_side_encryption_kms_key_id !== null) headers['x-amz-server-side-encryption-aws-kms-key-id'] = r.server_side_encryption_kms_key_id;
    if (r.acl !== null) headers['x-amz-acl'] = r.acl;
    const signed = aws4.sign({ host: url.host, path: url.pathname, method: 'PUT', service: 's3', region: s3Region(r.domain), headers, body }, this.#credentials());
    const res = await request(url, { method: 'PUT', headers: signed.headers as Record<string, string>, body, dispatcher: this.#agent });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const why = `PUT ${url.origin}${url.pathname}: ${res.statusCode}`;
    if (res.statusCode === 400 || res.statusCode === 404) throw new PermanentDeliveryError(why);
    throw new Error(why);
  }

  close(): void {
    void this.#agent.close();
  }

  #credentials(): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
    const r = this.#r;
    if (r.access_key !== null && r.secret_key !== null) return { accessKeyId: r.access_key, secretAccessKey: r.secret_key };
    const env = process.env;
    return { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: env.AWS_SESSION_TOKEN };
  }
}
