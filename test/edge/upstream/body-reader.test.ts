// Where an origin's body ends (src/edge/upstream/body-reader.ts): by length, by chunked framing
// (RFC 9112 §7.1), or by the close — fed whole or in arbitrary pieces, never past its end.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { BodyReader, MORE } from '../../../src/edge/upstream/body-reader.ts';
import { CHUNKED, MalformedResponse, UNTIL_CLOSE } from '../../../src/edge/upstream/response-head.ts';

/** Feeds `pieces` in turn; returns the body, whether it ended, and how many bytes of the input followed its end. */
function feed(framing: number, pieces: readonly string[]): { body: string; done: boolean; after: number } {
  const reader = new BodyReader(framing);
  let body = '';
  let after = 0;
  let ended = false;
  for (const piece of pieces) {
    const buf = Buffer.from(piece, 'latin1');
    if (ended) {
      after += buf.length;
      continue;
    }
    const end = reader.read(buf, 0, buf.length, (c) => { body += c.toString('latin1'); });
    if (end !== MORE) {
      ended = true;
      after += buf.length - end;
    }
  }
  assert.equal(reader.done, ended);
  assert.equal(reader.bytes, Buffer.byteLength(body, 'latin1'));
  return { body, done: ended, after };
}

function refusal(pieces: readonly string[]): string {
  try {
    feed(CHUNKED, pieces);
  } catch (err) {
    assert.ok(err instanceof MalformedResponse, String(err));
    return err.message.replace('malformed response from the origin: ', '');
  }
  assert.fail('expected a refusal');
}

test('a Content-Length body ends after its length, and what follows is left unread', () => {
  assert.deepEqual(feed(5, ['hel', 'lo', 'NEXT']), { body: 'hello', done: true, after: 4 });
  assert.deepEqual(feed(5, ['helloNEXT']), { body: 'hello', done: true, after: 4 });
  assert.deepEqual(feed(5, ['hell']), { body: 'hell', done: false, after: 0 });
  assert.deepEqual(feed(0, ['NEXT']), { body: '', done: true, after: 4 });
});

test('a body without framing takes everything and never ends by itself', () => {
  assert.deepEqual(feed(UNTIL_CLOSE, ['a', 'bc', 'def']), { body: 'abcdef', done: false, after: 0 });
});

test('a chunked body: sizes in either case, extensions and trailers read and dropped', () => {
  assert.deepEqual(feed(CHUNKED, ['3\r\nabc\r\nA;ext=1;q="x y"\r\n0123456789\r\n0\r\nX-Trailer: t\r\nY: u\r\n\r\nNEXT']),
    { body: 'abc0123456789', done: true, after: 4 });
  assert.deepEqual(feed(CHUNKED, ['a\r\n0123456789\r\n00\r\n\r\n']), { body: '0123456789', done: true, after: 0 });
  assert.deepEqual(feed(CHUNKED, ['0\r\n\r\n']), { body: '', done: true, after: 0 });
});

test('a chunked body split at any point reads the same as whole', () => {
  const whole = '5\r\nhello\r\n1;a=b\r\n \r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n';
  const expected = { body: 'hello 0123456789abcdef', done: true, after: 0 };
  assert.deepEqual(feed(CHUNKED, [whole]), expected);
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 12 }), (cuts) => {
    const at = [0, ...cuts.sort((a, b) => a - b), whole.length];
    const pieces = at.slice(1).map((end, i) => whole.slice(at[i], end));
    assert.deepEqual(feed(CHUNKED, pieces), expected);
  }));
});

test('malformed chunked framing is refused', () => {
  assert.equal(refusal(['zz\r\nabc\r\n0\r\n\r\n']), 'a chunk size that is not hexadecimal');
  assert.equal(refusal(['\r\nabc\r\n']), 'a chunk size that is not hexadecimal');
  assert.equal(refusal(['3x\r\nabc\r\n']), 'a chunk size that is not hexadecimal');
  assert.equal(refusal(['3\nabc\r\n']), 'a bare LF after a chunk size');
  assert.equal(refusal(['3\r\rabc\r\n']), 'no LF after a chunk size');
  assert.equal(refusal(['3\r\nabcX\r\n0\r\n\r\n']), 'no CRLF after chunk data');
  assert.equal(refusal(['3\r\nabc\rX']), 'no CRLF after chunk data');
  assert.equal(refusal(['3;a\x00b\r\nabc\r\n']), 'a malformed chunk extension');
  assert.equal(refusal(['10000000000000\r\n']), 'a chunk size too large');
  assert.equal(refusal(['0\r\n T: folded\r\n\r\n']), 'a folded trailer line');
  assert.equal(refusal(['0\r\nT: a\x01\r\n\r\n']), 'a malformed trailer line');
  assert.equal(refusal(['0\r\nT: a\r\r\n']), 'no LF after a trailer line');
  assert.equal(refusal(['0\r\n\rX']), 'no LF after the last chunk');
});

test('a chunk size of 13 hex digits is the largest read', () => {
  const reader = new BodyReader(CHUNKED);
  const buf = Buffer.from('fffffffffffff\r\nab', 'latin1');
  assert.equal(reader.read(buf, 0, buf.length, () => {}), MORE);
  assert.equal(reader.bytes, 2);
});
