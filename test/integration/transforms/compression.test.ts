// Edge compression, Fiddle-style: VCL + origin + requests → exact responses.
// beresp.gzip / beresp.brotli compress at the edge, the cache stores the compressed object,
// and each client gets the variant its Accept-Encoding accepts (Fastly's compression guide).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { get, gunzip, unbrotli } from './client.ts';

const PAGE = `<html>${'lacquer compresses this page at the edge. '.repeat(200)}</html>`;

/**
 * The shape of the VCL Fastly generates for a gzip object: Vary on Accept-Encoding whether or
 * not this response is compressed (else an uncompressed variant would answer every client),
 * then compress for the normalised Accept-Encoding.
 */
const NEGOTIATED = `
sub vcl_fetch {
  #FASTLY fetch
  if (beresp.http.Content-Type ~ "^text/html") {
    if (!beresp.http.Vary) {
      set beresp.http.Vary = "Accept-Encoding";
    } elsif (beresp.http.Vary !~ "Accept-Encoding") {
      set beresp.http.Vary = beresp.http.Vary ", Accept-Encoding";
    }
    if (req.http.Accept-Encoding == "br") {
      set beresp.brotli = true;
    } elsif (req.http.Accept-Encoding == "gzip") {
      set beresp.gzip = true;
    }
  }
  return(deliver);
}
`;

/** Compress whatever the client accepts: the edge decompresses for clients that accept nothing. */
const ALWAYS = `
sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "^/pass") { return(pass); }
  return(lookup);
}
sub vcl_fetch {
  #FASTLY fetch
  set beresp.gzip = true;
  return(deliver);
}
`;

interface Seen { url: string; acceptEncoding: string | undefined; orig: string | undefined }

async function stack(t: TestContext, vcl: string, handler?: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const { port } = await httpOrigin(t, (req, res) => {
    seen.push({ url: req.url ?? '', acceptEncoding: req.headers['accept-encoding'] as string | undefined, orig: req.headers['fastly-orig-accept-encoding'] as string | undefined });
    if (handler !== undefined) return handler(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=300', etag: '"v1"', 'content-length': Buffer.byteLength(PAGE) });
    res.end(PAGE);
  });
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['gz.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl });
  return { lq, seen, port: lq.edgePort, get: (path: string, headers: Record<string, string> = {}, method = 'GET') => get(lq.edgePort, 'gz.example', path, headers, method) };
}

test('beresp.gzip compresses a miss while it streams, stores the compressed object and serves it on a hit', async (t) => {
  const s = await stack(t, NEGOTIATED);
  const miss = await s.get('/page', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(miss.status, 200);
  assert.equal(miss.headers['x-cache'], 'MISS');
  assert.equal(miss.headers['content-encoding'], 'gzip');
  assert.equal(miss.headers.vary, 'Accept-Encoding');
  assert.equal(miss.headers.etag, 'W/"v1"');
  assert.equal(miss.headers['content-length'], undefined);
  assert.equal(miss.headers['transfer-encoding'], 'chunked');
  assert.equal(gunzip(miss.body), PAGE);
  assert.ok(miss.body.length < PAGE.length / 10, `compressed to ${miss.body.length} bytes`);

  const hit = await s.get('/page', { 'accept-encoding': 'gzip' });
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.headers['content-encoding'], 'gzip');
  assert.equal(hit.headers['content-length'], String(miss.body.length));
  assert.deepEqual(hit.body, miss.body);
  // The origin saw the normalised value, the client's own in Fastly-Orig-Accept-Encoding.
  assert.deepEqual(s.seen, [{ url: '/page', acceptEncoding: 'gzip', orig: 'gzip, deflate' }]);
});

test('Accept-Encoding is normalised br > gzip > identity, and each gets its own variant', async (t) => {
  const s = await stack(t, NEGOTIATED);
  const br = await s.get('/page', { 'accept-encoding': 'gzip, deflate, br' });
  const gz = await s.get('/page', { 'accept-encoding': 'gzip' });
  const plain = await s.get('/page');
  const brAgain = await s.get('/page', { 'accept-encoding': 'br;q=1, gzip;q=0.5' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(unbrotli(br.body), PAGE);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzip(gz.body), PAGE);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), PAGE);
  assert.equal(plain.headers.etag, '"v1"');
  assert.equal(brAgain.headers['x-cache'], 'HIT');
  assert.deepEqual(brAgain.body, br.body);
  assert.deepEqual(s.seen.map((x) => x.acceptEncoding), ['br', 'gzip', undefined]);
});

test('a client that accepts no encoding gets the stored gzip object decompressed, on the miss and on hits, and HEAD has no body', async (t) => {
  const s = await stack(t, ALWAYS);
  const miss = await s.get('/page');
  assert.equal(miss.headers['x-cache'], 'MISS');
  assert.equal(miss.headers['content-encoding'], undefined);
  assert.equal(miss.headers['content-length'], undefined);
  assert.equal(miss.body.toString(), PAGE);
  const hit = await s.get('/page', { 'accept-encoding': 'identity' });
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.headers['content-encoding'], undefined);
  assert.equal(hit.headers['transfer-encoding'], 'chunked');
  assert.equal(hit.body.toString(), PAGE);
  const head = await s.get('/page', {}, 'HEAD');
  assert.equal(head.headers['x-cache'], 'HIT');
  assert.equal(head.headers['content-encoding'], undefined);
  assert.equal(head.body.length, 0);
  const gzHead = await s.get('/page', { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(gzHead.headers['content-encoding'], 'gzip');
  assert.equal(gzHead.body.length, 0);
  assert.equal(s.seen.length, 2, 'one fetch per Accept-Encoding variant');
});

test('a Range on a compressed object applies to the compressed bytes; If-None-Match matches the weak ETag', async (t) => {
  const s = await stack(t, ALWAYS);
  const whole = await s.get('/page', { 'accept-encoding': 'gzip' });
  const size = whole.body.length;
  const range = await s.get('/page', { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
  assert.equal(range.status, 206);
  assert.equal(range.headers['content-range'], `bytes 0-9/${size}`);
  assert.equal(range.headers['content-encoding'], 'gzip');
  assert.deepEqual(range.body, whole.body.subarray(0, 10));
  const notModified = await s.get('/page', { 'accept-encoding': 'gzip', 'if-none-match': 'W/"v1"' });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);
  // A client that needs the body decompressed gets all of it: its bytes have no ranges.
  const plainRange = await s.get('/page', { range: 'bytes=0-9' });
  assert.equal(plainRange.status, 200);
  assert.equal(plainRange.body.toString(), PAGE);
});

test('a response the origin already encoded is left untouched', async (t) => {
  const encoded = zlib.gzipSync(Buffer.from(PAGE));
  const s = await stack(t, ALWAYS, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'cache-control': 'max-age=300', etag: '"o"' });
    res.end(encoded);
  });
  for (const headers of [{ 'accept-encoding': 'gzip' }, {}] as Array<Record<string, string>>) {
    const r = await s.get('/page', headers);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers.etag, '"o"');
    assert.deepEqual(r.body, encoded);
  }
});

test('a pass response is compressed on the fly, and decompressed for a client that accepts nothing', async (t) => {
  const s = await stack(t, ALWAYS);
  const gz = await s.get('/pass', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['x-cache'], 'PASS');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzip(gz.body), PAGE);
  const plain = await s.get('/pass');
  assert.equal(plain.headers['x-cache'], 'PASS');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), PAGE);
  assert.equal(s.seen.length, 2);
});

test('compression streams: the client has compressed bytes before the origin has sent the whole body', async (t) => {
  // Bytes that do not compress, so the encoder has output to hand on long before the end.
  const half = randomBytes(256 * 1024);
  let finishOrigin: () => void = () => {};
  const s = await stack(t, ALWAYS, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=300' });
    res.write(half);
    // Once: the client's later chunks must not end the response again.
    finishOrigin = () => { finishOrigin = () => {}; res.end(half); };
  });
  const got = await new Promise<number>((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: s.port, path: '/stream', headers: { host: 'gz.example', 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > 64 * 1024) finishOrigin();
      });
      res.on('end', () => resolve(bytes));
    });
    r.on('error', reject);
    r.end();
  });
  assert.ok(got > half.length, `${got} compressed bytes for ${2 * half.length} incompressible ones`);
});
