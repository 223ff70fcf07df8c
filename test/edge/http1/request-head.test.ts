// The edge's strict request-head reader: what it accepts, what it leaves to node:http, and a
// differential check that whatever it accepts, node:http reads the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { INCOMPLETE, MAX_HEAD_BYTES, parseRequestHead, UNSUPPORTED } from '../../../src/edge/http1/index.ts';
import { MAX_BODY_BYTES } from '../../../src/edge/http1/request-head.ts';

const parse = (text: string, start = 0) => parseRequestHead(Buffer.from(text, 'latin1'), start);

test('a plain GET is read with lower-cased names, trimmed values and the offset past the head', () => {
  const text = 'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding:  gzip, br \t\r\nX-Empty:\r\n\r\nNEXT';
  assert.deepEqual(parse(text), {
    method: 'GET', url: '/a?b=1', httpVersion: '1.1',
    headers: { host: 'example.com', 'accept-encoding': 'gzip, br', 'x-empty': '' },
    keepAlive: true, end: text.length - 4, body: null,
  });
});

test('keep-alive follows the version and the Connection field (RFC 9112 §9.3)', () => {
  const keep = (head: string) => {
    const r = parse(head);
    return typeof r === 'object' ? r.keepAlive : r;
  };
  assert.equal(keep('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), true);
  assert.equal(keep('GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n'), false);
  assert.equal(keep('HEAD / HTTP/1.0\r\n\r\n'), false);
  assert.equal(keep('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), true);
});

test('field names are read lower-cased whatever their spelling, common ones and others alike', () => {
  const r = parse('GET / HTTP/1.1\r\nHOST: a\r\nUser-Agent: u\r\naccept: */*\r\nAccept-ENCODING: gzip\r\nX-Custom-Thing: 1\r\nsec-fetch-site: none\r\n\r\n');
  assert.ok(typeof r === 'object');
  assert.deepEqual(r.headers, { host: 'a', 'user-agent': 'u', accept: '*/*', 'accept-encoding': 'gzip', 'x-custom-thing': '1', 'sec-fetch-site': 'none' });
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n'), UNSUPPORTED);
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nAccept-X: 1\r\nHosts: 2\r\n\r\n') !== UNSUPPORTED, true);
});

test('heads of every length around the first window, and long ones, are read whole, with requests behind them', () => {
  for (let size = 1000; size <= 1040; size++) {
    const prefix = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ';
    const head = `${prefix}${'p'.repeat(size - prefix.length - 4)}\r\n\r\n`;
    assert.equal(head.length, size);
    const r = parse(`${head}GET /next HTTP/1.1\r\nHost: a\r\n\r\n`);
    assert.ok(typeof r === 'object', `head of ${size} bytes`);
    assert.deepEqual([r.end, r.headers['x-pad'].length], [size, size - prefix.length - 4]);
    assert.equal(parse(head.slice(0, -1)), INCOMPLETE);
  }
  const cookie = 'c'.repeat(8000);
  const long = parse(`GET / HTTP/1.1\r\nHost: a\r\nCookie: ${cookie}\r\n\r\n`);
  assert.ok(typeof long === 'object');
  assert.equal(long.headers.cookie, cookie);
});

test('a head is read from an offset, and is incomplete until its blank line', () => {
  const two = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n';
  const first = parse(two);
  assert.ok(typeof first === 'object');
  const second = parse(two, first.end);
  assert.ok(typeof second === 'object');
  assert.deepEqual([second.url, second.end], ['/2', two.length]);
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\n'), INCOMPLETE);
  assert.equal(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`), UNSUPPORTED);
  assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`), UNSUPPORTED);
});

test('everything outside the common case is left to node:http', () => {
  const cases = [
    'POST / HTTP/1.1\r\nHost: a\r\n\r\n',
    'PURGE / HTTP/1.1\r\nHost: a\r\n\r\n',
    'get / HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET * HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
    'GET / HTTP/1.1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, x-secret\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nx: 2\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX : 1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\n__proto__: x\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nConstructor: x\r\n\r\n',
    '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET / HTTP/1.1\nHost: a\r\n\r\n',
  ];
  for (const head of cases) assert.equal(parse(head), UNSUPPORTED, JSON.stringify(head));
  // node:http keeps at most 2000 fields (maxHeadersCount) and drops the rest.
  const many = (n: number) => `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: n - 1 }, (_, i) => `${i.toString(36)}:1\r\n`).join('')}\r\n`;
  assert.equal(typeof parse(many(2000)), 'object');
  assert.equal(parse(many(2001)), UNSUPPORTED);
});

test('a POST, PUT or PATCH with a Content-Length of digits up to 64 KiB is read with its body, once the body is all there', () => {
  const r = parse('POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n');
  assert.ok(typeof r === 'object');
  assert.deepEqual([r.method, r.url, r.headers['content-length'], r.end, r.body?.toString('latin1')], ['POST', '/form', '5', 51, 'hello']);
  const empty = parse('PATCH / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n');
  assert.ok(typeof empty === 'object');
  assert.equal(empty.body, null);
  const big = parse(`PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: ${MAX_BODY_BYTES}\r\n\r\n${'b'.repeat(MAX_BODY_BYTES)}`);
  assert.ok(typeof big === 'object');
  assert.equal(big.body?.length, MAX_BODY_BYTES);
  // The body is still arriving: the request is node's to read, as a head split over reads is.
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhell'), INCOMPLETE);
  const refused = [
    'POST / HTTP/1.1\r\nHost: a\r\n\r\n',
    `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`,
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 123456\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4 4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nbody',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody',
    'HEAD / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody',
    'DELETE / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody',
    'OPTIONS / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody',
    'post / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody',
  ];
  for (const text of refused) assert.equal(parse(text), UNSUPPORTED, JSON.stringify(text));
});

/** node:http's reading of one head, or null when it refuses it. */
async function nodeReads(port: number, head: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(Buffer.from(head, 'latin1')));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const read = /\r\nx-read: ([A-Za-z0-9+/=]+)\r\n/.exec(text);
      resolve(text.startsWith('HTTP/1.1 200') && read !== null ? JSON.parse(Buffer.from(read[1], 'base64').toString()) : null);
    });
  });
}

test('whatever the reader accepts, node:http accepts and reads the same way', async (t) => {
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      // In a field, not the body, so HEAD requests report too.
      const read = JSON.stringify({ method: req.method, url: req.url, httpVersion: req.httpVersion, headers: req.headers, body: Buffer.concat(body).toString('latin1') });
      res.writeHead(200, { connection: 'close', 'x-read': Buffer.from(read).toString('base64') });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;

  // Mostly well-formed pieces with a tricky one now and then, so both sides of the reader's
  // line are reached often.
  const chars = (alphabet: string, max: number) => fc.array(fc.constantFrom(...alphabet), { maxLength: max }).map((a) => a.join(''));
  const mostly = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
  const tricky = ' \t\r\n\x00\x7f\x80\xe9\xff:;,"()/=?@[]{}%#*';
  const token = "!#$%&'*+-.^_`|~abcXYZ09";
  const field = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(mostly(chars(token, 8).filter((n) => n.length > 0), chars(token + tricky, 8)), mostly(fc.constantFrom(':', ': ', ':  ', ':\t'), fc.constantFrom(' :', '')), mostly(chars('abcXYZ09-_.~ \t\x80\xe9\xff', 12), chars('abc ' + tricky, 12))).map(([n, sep, v]) => `${n}${sep}${v}`) },
    { weight: 1, arbitrary: fc.constantFrom('Connection: close', 'Connection: keep-alive', 'Connection: x', 'Content-Length: 0', 'Accept: */*', 'X-A: 1', 'x-a: 2', ' folded', 'Host: b') },
  );
  const head = fc.tuple(
    mostly(fc.constantFrom('GET', 'HEAD'), fc.constantFrom('get', 'POST', 'OPTIONS')),
    mostly(fc.constant(' '), fc.constantFrom('  ', '\t')),
    mostly(chars('/abc?=&%#~!*+;@:', 10).map((s) => `/${s}`), chars(`/a${tricky}`, 8)),
    mostly(fc.constantFrom(' HTTP/1.1', ' HTTP/1.0'), fc.constantFrom(' HTTP/1.2', 'HTTP/1.1', ' http/1.1', ' HTTP/1.1 ')),
    mostly<string[]>(fc.constant(['Host: a.example']), fc.constant([])),
    fc.array(field, { maxLength: 5 }),
  ).map(([m, sp, url, version, host, fields]) => `${m}${sp}${url}${version}\r\n${[...host, ...fields].map((f) => `${f}\r\n`).join('')}\r\n`);

  let accepted = 0;
  await fc.assert(fc.asyncProperty(head, async (text) => {
    const ours = parse(text);
    if (ours === UNSUPPORTED || ours === INCOMPLETE) return;
    accepted++;
    assert.deepEqual(await nodeReads(port, text), { method: ours.method, url: ours.url, httpVersion: ours.httpVersion, headers: ours.headers, body: ours.body?.toString('latin1') ?? '' });
  }), { numRuns: 600, seed: 20261122 });
  // The generator must reach the accepting side often enough for the check to mean something.
  assert.ok(accepted >= 50, `only ${accepted} generated heads were accepted`);

  // Requests with content: a Content-Length, well-formed or not, and a body as long, shorter or
  // longer (what follows the body is another request's start, or garbage).
  // null: the body's own length.
  const length = fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.nat({ max: 40 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('', ' 7', '07', '+7', '-7', '1,1', '1 1', '1, 1', '0x7', '7.0', '1_0', '99999', '065536', '65537') },
  );
  const withBody = fc.tuple(
    mostly(fc.constantFrom('POST', 'PUT', 'PATCH'), fc.constantFrom('GET', 'DELETE', 'post')),
    mostly(chars('/abc?=&', 8).map((u) => `/${u}`), chars(`/a${tricky}`, 6)),
    mostly<string[]>(fc.constant(['Host: a.example']), fc.constant([])),
    length,
    fc.array(field, { maxLength: 3 }),
    chars(`abcXYZ09 \r\n${tricky}`, 48),
  ).map(([m, url, host, len, fields, body]) => `${m} ${url} HTTP/1.1\r\n${[...host, `Content-Length: ${len ?? body.length}`, ...fields].map((f) => `${f}\r\n`).join('')}\r\n${body}`);
  let bodies = 0;
  await fc.assert(fc.asyncProperty(withBody, async (text) => {
    const ours = parse(text);
    if (ours === UNSUPPORTED || ours === INCOMPLETE) return;
    if (ours.body !== null) bodies++;
    // Only the first request is compared: what follows its body is the next request's to judge.
    const first = text.slice(0, ours.end + (ours.body?.length ?? 0));
    assert.deepEqual(await nodeReads(port, first), { method: ours.method, url: ours.url, httpVersion: ours.httpVersion, headers: ours.headers, body: ours.body?.toString('latin1') ?? '' });
  }), { numRuns: 400, seed: 20261208 });
  assert.ok(bodies >= 50, `only ${bodies} generated requests with a body were accepted`);
  // Every Content-Length spelling the reader might get wrong, each before a body long enough for it.
  for (const len of ['', '0', '1', '01', ' 1', '1 ', '+1', '-1', '1,1', '1, 1', '1 1', '0x1', '1.0', '1_0', '１']) {
    const text = `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${len}\r\n\r\n${'b'.repeat(16)}`;
    const ours = parse(text);
    if (ours === UNSUPPORTED || ours === INCOMPLETE) continue;
    const first = text.slice(0, ours.end + (ours.body?.length ?? 0));
    assert.deepEqual(await nodeReads(port, first), { method: 'POST', url: '/', httpVersion: '1.1', headers: ours.headers, body: ours.body?.toString('latin1') ?? '' }, JSON.stringify(len));
  }
});
