// What edge compression costs: compressing a body on a miss (the encoder stream the fetch step
// puts in front of the cache, src/edge/compress/upstream.ts) next to serving the stored
// compressed object on a hit (src/edge/cache/serve.ts), and decompressing it for a client that
// accepts no encoding. Ratios are against an uncompressed hit measured in the same run.
//   node bench/micro/edge/compress.bench.ts [--kib 32] [--rounds 400]
import { Buffer } from 'node:buffer';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { createObject, serveObject, type ObjectHead } from '../../../src/edge/cache/index.ts';
import { decoder, encoder, type ContentCoding } from '../../../src/edge/compress/index.ts';

const { values } = parseArgs({ options: { kib: { type: 'string', default: '32' }, rounds: { type: 'string', default: '400' } } });
const rounds = Number(values.rounds);
// Text about as compressible as real HTML (gzip to a fifth or so): words and numbers picked by a
// seeded generator, so every run measures the same bytes.
const words = ['<div class="item">', '</div>', '<a href="/p/', '">', '</a>', 'edge', 'cache', 'origin', 'vary', 'lacquer', 'purge', 'shield', 'stale', 'probe', '<li>', '</li>'];
let seed = 0x9e3779b9;
const next = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
const parts: string[] = [];
for (let size = 0; size < Number(values.kib) * 1024;) {
  const part = next() % 3 === 0 ? String(next() % 100000) : words[next() % words.length];
  parts.push(part);
  size += part.length + 1;
}
const page = Buffer.from(`<html>${parts.join(' ')}</html>`);

const head = (headers: Record<string, string>): ObjectHead => ({
  serviceId: 'bench', status: 200, reason: 'OK', headers, requestHeaders: {},
  lifetimes: { store: true, reason: 'cacheable', ttl: 3600, grace: 0, staleIfError: 0 },
  surrogateKeys: [],
});
const plainObject = createObject(head({ 'content-type': 'text/html' }), page);
const gzipped = zlib.gzipSync(page);
const gzipObject = createObject(head({ 'content-type': 'text/html', 'content-encoding': 'gzip' }), gzipped);

/** The body in 16 KiB chunks, as an origin's would arrive. */
function chunks(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += 16 * 1024) out.push(body.subarray(at, at + 16 * 1024));
  return out;
}
const sink = (): Writable => new Writable({ write(_c, _e, done) { done(); } });

async function measure(label: string, once: () => Promise<void> | void): Promise<number> {
  for (let i = 0; i < 20; i++) await once();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await once();
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / rounds;
  console.log(`${label.padEnd(40)} ${us.toFixed(1).padStart(8)} µs CPU per response`);
  return us;
}

const compressMiss = (coding: ContentCoding) => () => pipeline(Readable.from(chunks(page)), encoder(coding, page.length), sink());
const hit = (o: typeof plainObject) => (): void => { serveObject(o, { method: 'GET', headers: {} }); };

console.log(`${page.length} bytes of HTML; gzip ${gzipped.length} bytes; machine shared with other work: read the ratios, not the µs`);
const base = await measure('hit, uncompressed (baseline)', hit(plainObject));
const gzHit = await measure('hit, stored gzip to a gzip client', hit(gzipObject));
const gzMiss = await measure('miss, gzip while streaming', compressMiss('gzip'));
const brMiss = await measure('miss, brotli (quality 5) while streaming', compressMiss('br'));
const gunzip = await measure('hit, stored gzip decompressed for identity', () => pipeline(Readable.from(chunks(gzipped)), decoder('gzip'), sink()));
for (const [label, us] of [['stored gzip hit', gzHit], ['gzip miss', gzMiss], ['brotli miss', brMiss], ['decompressing hit', gunzip]] as const) {
  console.log(`${label.padEnd(20)} ${(us / base).toFixed(1).padStart(8)}× an uncompressed hit`);
}
