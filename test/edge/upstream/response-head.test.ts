// The edge's reader of origin response heads (src/edge/upstream/response-head.ts): what it reads,
// how it frames the body, and the heads it refuses (RFC 9112 §4–§6, Varnish's
// cache_http1_proto.c and cache_http1_fetch.c).
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { stripHopByHop } from '../../../src/edge/headers.ts';
import { CHUNKED, INCOMPLETE, MalformedResponse, MAX_HEAD_BYTES, parseResponseHead, UNTIL_CLOSE, type ResponseHead } from '../../../src/edge/upstream/response-head.ts';

function parse(text: string, noBody = false): ResponseHead | typeof INCOMPLETE {
  const buf = Buffer.from(text, 'latin1');
  return parseResponseHead(buf, 0, buf.length, noBody);
}

function head(text: string, noBody = false): ResponseHead {
  const r = parse(text, noBody);
  assert.ok(r !== INCOMPLETE, 'expected a complete head');
  return r;
}

function refusal(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof MalformedResponse, `expected MalformedResponse, got ${String(err)}`);
    return err.message.replace('malformed response from the origin: ', '');
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

test('a head is read with its status, reason, lower-cased names, trimmed values and the offset past it', () => {
  const text = 'HTTP/1.1 201 Made It\r\nContent-Type: text/plain\r\nX-A:  a b \t\r\nx-empty:\r\nContent-Length: 3\r\n\r\nabc';
  assert.deepEqual(head(text), {
    status: 201, reason: 'Made It', headers: { 'content-type': 'text/plain', 'x-a': 'a b', 'x-empty': '', 'content-length': '3' },
    framing: 3, keepAlive: true, keepAliveHintMs: null, end: text.length - 3,
  });
});

test('a repeated field is an array of its values in order; latin1 values are read as latin1', () => {
  const r = head('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nVary: x\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\nX-L: caf\xe9\r\nContent-Length: 0\r\n\r\n');
  assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2', 'c=3']);
  assert.equal(r.headers['x-l'], 'café');
});

test('the connection\'s own fields and those Connection names are read and not handed on', () => {
  const r = head('HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private\r\nKeep-Alive: timeout=5\r\nX-Private: p\r\nProxy-Connection: x\r\nUpgrade: h2c\r\nX-Public: q\r\nContent-Length: 0\r\n\r\n');
  assert.deepEqual(r.headers, { 'x-public': 'q', 'content-length': '0' });
  assert.equal(r.keepAliveHintMs, 5000);
});

test('names Object.prototype has are ordinary fields, and __proto__ is dropped as stripHopByHop drops it', () => {
  const r = head('HTTP/1.1 200 OK\r\nconstructor: c\r\ntoString: t\r\nconstructor: d\r\n__proto__: p\r\nContent-Length: 0\r\n\r\n');
  assert.deepEqual({ ...r.headers }, { constructor: ['c', 'd'], tostring: 't', 'content-length': '0' });
  assert.equal(Object.getPrototypeOf(r.headers), Object.prototype);
});

test('the headers handed on are what stripHopByHop leaves of every field', () => {
  const name = fc.constantFrom('connection', 'keep-alive', 'te', 'upgrade', 'proxy-connection', 'x-a', 'x-b', 'vary', 'cache-control', 'constructor');
  const value = fc.stringMatching(/^[!-~]([ !-~]{0,8}[!-~])?$/);
  fc.assert(fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (fields) => {
    const lines = fields.map(([n, v]) => `${n}: ${v}\r\n`).join('');
    const all: Record<string, string | string[]> = {};
    for (const [n, v] of fields) {
      const prior = all[n];
      all[n] = prior === undefined || typeof prior === 'function' ? v : typeof prior === 'string' ? [prior, v] : [...prior, v];
    }
    const r = head(`HTTP/1.1 200 OK\r\n${lines}Content-Length: 0\r\n\r\n`);
    assert.deepEqual({ ...r.headers }, { ...stripHopByHop({ ...all, 'content-length': '0' }) });
  }));
});

test('framing: Content-Length, chunked, until close, and no body after HEAD, 1xx, 204 and 304 (RFC 9112 §6.3)', () => {
  assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n').framing, 10);
  assert.equal(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n').framing, CHUNKED);
  assert.equal(head('HTTP/1.1 200 OK\r\nTransfer-Encoding:  chunked \r\n\r\n').framing, CHUNKED);
  const close = head('HTTP/1.1 200 OK\r\nX: y\r\n\r\n');
  assert.deepEqual([close.framing, close.keepAlive], [UNTIL_CLOSE, false]);
  assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', true).framing, 0);
  assert.equal(head('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n').framing, 0);
  assert.equal(head('HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n').framing, 0);
  assert.equal(head('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n').framing, 0);
  assert.equal(head('HTTP/1.1 200 OK\r\n\r\n', true).keepAlive, true);
});

test('keep-alive follows the version and the Connection field (RFC 9112 §9.3)', () => {
  const keep = (text: string): boolean => head(text).keepAlive;
  assert.equal(keep('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), true);
  assert.equal(keep('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n'), false);
  assert.equal(keep('HTTP/1.1 200 OK\r\nConnection: x-a, close\r\nContent-Length: 0\r\n\r\n'), false);
  assert.equal(keep('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), false);
  assert.equal(keep('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'), true);
});

test('a status line without a reason is read with an empty one, as llhttp reads it', () => {
  assert.deepEqual([head('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').reason, head('HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n').reason], ['', '']);
});

test('malformed framing is refused: both framings, a coding other than chunked, a length that is not one number', () => {
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n'), 'both Transfer-Encoding and Content-Length');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'), 'both Transfer-Encoding and Content-Length');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'), 'Transfer-Encoding "gzip, chunked" (only chunked is understood)');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'), 'Transfer-Encoding more than once');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n'), 'Content-Length more than once');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n'), 'Content-Length "2, 2" is not one number');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n'), 'Content-Length "+2" is not one number');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456\r\n\r\n'), 'Content-Length "1234567890123456" is not one number');
});

test('a status line that is not HTTP/1.x, three digits 100–999 and a space is refused', () => {
  for (const line of ['HTTP/2.0 200 OK', 'HTTP/1.2 200 OK', 'http/1.1 200 OK', 'HTTP/1.1  200 OK', 'HTTP/1.1 099 Low', 'HTTP/1.1 2000 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 200OK', 'SSH-2.0-OpenSSH_9.6']) {
    assert.match(refusal(`${line}\r\nContent-Length: 0\r\n\r\n`), /^(the status line|the status is|no space after the status)/, line);
  }
  assert.equal(refusal('HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n'), 'a control character in the reason phrase');
});

test('field lines are refused when folded, nameless, with a space before the colon, a bad name or a control character', () => {
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n'), 'a folded field line (obs-fold)');
  assert.equal(refusal('HTTP/1.1 200 OK\r\n: a\r\n\r\n'), 'a field line without a name and a colon');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'), 'a field line without a name and a colon');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n'), 'a field name that is not a token');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX(A: a\r\n\r\n'), 'a field name that is not a token');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n'), 'a control character in the x-a field');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\n\r\n'), 'a control character in the x-a field');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n'), 'a control character in the x-a field');
});

test('a bare LF is refused as soon as it is seen, complete head or not', () => {
  assert.equal(refusal('HTTP/1.1 200 OK\nContent-Length: 0\n\n'), 'a bare LF in the head');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX: 1\n'), 'a bare LF in the head');
  assert.equal(refusal('HTTP/1.1 200 OK\r\nX: 1\r\nY: 2\n\r\n\r\n'), 'a bare LF in the head');
});

test('an incomplete head waits for more at every split, and one longer than MAX_HEAD_BYTES is refused', () => {
  const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n';
  for (let i = 0; i < text.length; i++) assert.equal(parse(text.slice(0, i)), INCOMPLETE, `first ${i} bytes`);
  const pad = 'x'.repeat(MAX_HEAD_BYTES);
  assert.equal(refusal(`HTTP/1.1 200 OK\r\nX-Pad: ${pad}\r\n\r\n`), `head longer than ${MAX_HEAD_BYTES} bytes`);
  assert.equal(refusal(`HTTP/1.1 200 OK\r\nX-Pad: ${pad}`), `head longer than ${MAX_HEAD_BYTES} bytes`);
});

test('heads of every length around the first window are read whole, with their body behind them', () => {
  for (let size = 1000; size <= 1040; size++) {
    const prefix = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Pad: ';
    const text = `${prefix}${'p'.repeat(size - prefix.length - 4)}\r\n\r\n`;
    const r = head(`${text}body`);
    assert.deepEqual([r.end, r.framing], [size, 4], `head of ${size} bytes`);
  }
});

test('a head is read where it starts in the buffer, and only up to the limit', () => {
  const text = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  const buf = Buffer.from(`JUNK${text}MORE`, 'latin1');
  const r = parseResponseHead(buf, 4, 4 + text.length, false);
  assert.ok(r !== INCOMPLETE);
  assert.equal(r.end, 4 + text.length);
  assert.equal(parseResponseHead(buf, 4, 4 + text.length - 1, false), INCOMPLETE);
});

test('the origin\'s Keep-Alive timeout is read wherever it stands in the field, in ms', () => {
  const hint = (value: string): number | null => head(`HTTP/1.1 200 OK\r\nKeep-Alive: ${value}\r\nContent-Length: 0\r\n\r\n`).keepAliveHintMs;
  assert.deepEqual([hint('timeout=5'), hint('timeout=5, max=1000'), hint('max=100, timeout=7'), hint('Timeout = 3'), hint('max=100'), hint('mytimeout=4')],
    [5000, 5000, 7000, 3000, null, null]);
});

test('bytes past the read in a shared read buffer (an earlier read\'s) never end the head', () => {
  const read = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n';
  // The buffer goes on with what an earlier, longer read left there: the rest of a head.
  const buf = Buffer.from(`${read}\r\nHTTP/1.1 200 OK\r\n\r\n`, 'latin1');
  assert.equal(parseResponseHead(buf, 0, read.length, false), INCOMPLETE);
  assert.equal(parseResponseHead(buf, 0, read.length + 1, false), INCOMPLETE);
  const whole = parseResponseHead(buf, 0, read.length + 2, false);
  assert.ok(whole !== INCOMPLETE);
  assert.equal(whole.end, read.length + 2);
});
