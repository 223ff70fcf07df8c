// RequestBody against a stand-in for node:http's request stream: buffered up to the bound, then
// streamed; dropped when not forwarded; a client that goes away fails it as CLIENT_ABORTED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { EdgeError } from '../../src/edge/errors.ts';
import { BODY_BUFFER_BYTES, hasBody, RequestBody, SPENT } from '../../src/edge/request-body.ts';
import { readAll } from './helpers.ts';

/** What node:http hands the pipeline: the request, which is also its body's stream. */
function clientRequest(headers: IncomingHttpHeaders): PassThrough & { headers: IncomingHttpHeaders } {
  return Object.assign(new PassThrough(), { headers });
}

async function rejection(p: Promise<unknown>): Promise<EdgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof EdgeError, `expected an EdgeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

test('hasBody: Transfer-Encoding, or a Content-Length other than 0', () => {
  const cases: Array<[IncomingHttpHeaders, boolean]> = [
    [{}, false], [{ 'content-length': '0' }, false], [{ 'content-length': '6' }, true], [{ 'transfer-encoding': 'chunked' }, true],
  ];
  assert.deepEqual(cases.map(([h]) => hasBody(h)), cases.map(([, want]) => want));
});

test('a body within the bound is forwarded whole, as one Buffer, and the same Buffer again (a restart)', async () => {
  const req = clientRequest({ 'content-length': '9' });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write('a=1');
  req.write('&b=');
  req.end('two');
  const whole = await ready;
  assert.ok(Buffer.isBuffer(whole));
  assert.equal(whole.toString(), 'a=1&b=two');
  assert.equal(body.length, 9);
  assert.equal(await body.forward(), whole);
});

test('a body past the bound is handed out as a stream as soon as the bound is reached, and only once', async () => {
  const req = clientRequest({ 'transfer-encoding': 'chunked' });
  const body = new RequestBody(req);
  assert.equal(body.length, null);
  const ready = body.forward();
  const head = Buffer.alloc(BODY_BUFFER_BYTES, 'h');
  req.write(head);
  const stream = await ready;
  assert.ok(!Buffer.isBuffer(stream) && stream !== SPENT);
  // Nobody reads it yet: the client's stream is paused, so memory stays at what was read.
  assert.equal(req.isPaused(), true);
  const read = readAll(stream as Readable);
  req.end('tail');
  assert.equal(await read, `${head.toString()}tail`);
  assert.equal(await body.forward(), SPENT);
});

test('a stream handed out but never read (its fetch failed before sending) is handed out again', async () => {
  const req = clientRequest({ 'content-length': String(BODY_BUFFER_BYTES + 4) });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write(Buffer.alloc(BODY_BUFFER_BYTES, 'h'));
  const first = await ready as Readable;
  const again = await body.forward();
  assert.equal(again, first);
  const read = readAll(again as Readable);
  req.end('tail');
  assert.equal((await read).length, BODY_BUFFER_BYTES + 4);
  assert.equal(await body.forward(), SPENT);
});

test('a client gone while the body is read into memory fails the waiting forward with CLIENT_ABORTED', async () => {
  const req = clientRequest({ 'content-length': '1000' });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write('x');
  req.destroy(new Error('aborted'));
  assert.equal((await rejection(ready)).code, 'CLIENT_ABORTED');
  assert.equal((await rejection(body.forward())).code, 'CLIENT_ABORTED');
});

test('a client gone before its body was asked for fails the forward at once', async () => {
  const req = clientRequest({ 'content-length': '1000' });
  const body = new RequestBody(req);
  req.destroy();
  await new Promise((r) => setImmediate(r));
  assert.equal((await rejection(body.forward())).code, 'CLIENT_ABORTED');
});

test('a client gone while its body streams fails the stream with CLIENT_ABORTED, a downstream error', async () => {
  const req = clientRequest({ 'content-length': String(4 * BODY_BUFFER_BYTES) });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write(Buffer.alloc(BODY_BUFFER_BYTES + 1));
  const stream = await ready as Readable;
  stream.resume();
  const failed = new Promise<unknown>((resolve) => stream.once('error', resolve));
  req.destroy(new Error('socket hang up'));
  const err = await failed;
  assert.ok(err instanceof EdgeError);
  assert.deepEqual([err.code, err.source, err.originFailure], ['CLIENT_ABORTED', 'downstream', false]);
});

test('drop reads the body to its end and throws it away; nothing can be forwarded after', async () => {
  const req = clientRequest({ 'content-length': '6' });
  const body = new RequestBody(req);
  body.drop();
  req.end('q=evil');
  await new Promise((r) => req.once('end', r));
  assert.equal(req.readableEnded, true);
  assert.equal(await body.forward(), SPENT);
});

test('an exchange that destroys the stream before its end leaves the rest read and dropped', async () => {
  const req = clientRequest({ 'content-length': String(4 * BODY_BUFFER_BYTES) });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write(Buffer.alloc(BODY_BUFFER_BYTES));
  const stream = await ready as Readable;
  stream.destroy();
  req.end(Buffer.alloc(3 * BODY_BUFFER_BYTES));
  await new Promise((r) => req.once('end', r));
  assert.equal(req.readableEnded, true);
});

test('a stream handed out but never read (the fetch failed first) is dropped at the end of the request', async () => {
  const req = clientRequest({ 'content-length': String(2 * BODY_BUFFER_BYTES) });
  const body = new RequestBody(req);
  const ready = body.forward();
  req.write(Buffer.alloc(BODY_BUFFER_BYTES));
  const stream = await ready as Readable;
  body.drop();
  assert.equal(stream.destroyed, true);
  req.end(Buffer.alloc(BODY_BUFFER_BYTES));
  await new Promise((r) => req.once('end', r));
  assert.equal(req.readableEnded, true);
});

test('a request that is not a stream cannot carry a body', () => {
  assert.throws(() => new RequestBody({ headers: { 'content-length': '6' } }), /must be its body's stream/);
});
