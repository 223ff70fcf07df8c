// The start of a response across reads (src/edge/upstream/response-start.ts), without sockets:
// the head joined across reads, interim responses skipped, and what of the body came with it.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { INCOMPLETE, MalformedResponse } from '../../../src/edge/upstream/response-head.ts';
import { bodyStart, HeadReads } from '../../../src/edge/upstream/response-start.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

test('a head split over three reads is joined, and what followed it is where the head says', () => {
  const reads = new HeadReads();
  const text = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello';
  assert.equal(reads.take(bytes(text.slice(0, 10)), 10, false), INCOMPLETE);
  assert.equal(reads.take(bytes(text.slice(10, 30)), 20, false), INCOMPLETE);
  const rest = bytes(text.slice(30));
  const head = reads.take(rest, rest.length, false);
  assert.ok(head !== INCOMPLETE);
  assert.deepEqual([head.status, head.framing, reads.buf.toString('latin1', head.end, reads.limit)], [200, 5, 'hello']);
});

test('interim 1xx responses before the final head are dropped; a 101 is malformed', () => {
  const reads = new HeadReads();
  const text = bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
  const head = reads.take(text, text.length, false);
  assert.ok(head !== INCOMPLETE);
  assert.deepEqual([head.status, head.end], [204, text.length]);
  const upgrade = bytes('HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n');
  assert.throws(() => new HeadReads().take(upgrade, upgrade.length, false), MalformedResponse);
});

test('only the bytes of this read count: what an earlier read left past `length` is not read', () => {
  const buf = Buffer.alloc(64, 'z');
  const text = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n';
  buf.write(text, 0, 'latin1');
  assert.equal(new HeadReads().take(buf, text.length - 2, false), INCOMPLETE);
});

test('a Content-Length body that came whole is a copy of exactly its bytes; a byte after it is malformed, except after HEAD', () => {
  const reads = new HeadReads();
  const buf = bytes('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc');
  const head = reads.take(buf, buf.length, false);
  assert.ok(head !== INCOMPLETE);
  const start = bodyStart(head, buf, buf.length, false);
  assert.deepEqual([start.whole?.toString('latin1'), start.reusable, start.reader], ['abc', true, null]);
  buf.write('X', head.end, 'latin1');
  assert.equal(start.whole?.toString('latin1'), 'abc', 'a copy, not a view of the read');
  const extra = bytes('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcd');
  const h2 = new HeadReads().take(extra, extra.length, false);
  assert.ok(h2 !== INCOMPLETE);
  assert.throws(() => bodyStart(h2, extra, extra.length, false), MalformedResponse);
  const afterHead = new HeadReads().take(extra, extra.length, true);
  assert.ok(afterHead !== INCOMPLETE);
  assert.deepEqual([bodyStart(afterHead, extra, extra.length, true).whole?.length, bodyStart(afterHead, extra, extra.length, true).reusable], [0, false]);
});

test('a body still arriving gives its reader and its first bytes; a chunked body that ended in the read is whole', () => {
  const part = bytes('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabcd');
  const h = new HeadReads().take(part, part.length, false);
  assert.ok(h !== INCOMPLETE);
  const start = bodyStart(h, part, part.length, false);
  assert.deepEqual([start.whole, start.reader?.bytes, start.parts.map((p) => p.toString('latin1'))], [null, 4, ['abcd']]);
  const chunked = bytes('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
  const hc = new HeadReads().take(chunked, chunked.length, false);
  assert.ok(hc !== INCOMPLETE);
  const whole = bodyStart(hc, chunked, chunked.length, false);
  assert.deepEqual([whole.whole?.toString('latin1'), whole.reusable], ['abcde', true]);
});
