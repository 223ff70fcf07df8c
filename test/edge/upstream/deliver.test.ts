// A streamed response body delivered straight to a sink (the client's response) by the edge's
// own exchange: UpstreamResponse.deliverTo, which edge/respond.ts uses when nothing else reads
// the body. Origins on 127.0.0.1; the sink is a stand-in that counts and holds back.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test, type TestContext } from 'node:test';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import type { BodySink } from '../../../src/edge/upstream/types.ts';
import { backend, httpOrigin } from '../helpers.ts';

const client = { clientIp: '192.0.2.50' };
const GET = { method: 'GET', path: '/', headers: { host: 'www.example' } };

function pools(t: TestContext): UpstreamPools {
  const p = new UpstreamPools({ cdnId: 'lacquer-test' });
  t.after(() => p.destroy());
  return p;
}

/** Takes `limit` bytes, then says it is full until drain() is called. */
class Sink implements BodySink {
  bytes = 0;
  held = 0;
  writes = 0;
  ended = 0;
  destroyed = 0;
  readonly limit: number;
  #drains: (() => void)[] = [];
  constructor(limit: number) {
    this.limit = limit;
  }
  write(chunk: Buffer): boolean {
    this.writes++;
    this.bytes += chunk.length;
    this.held += chunk.length;
    return this.held < this.limit;
  }
  once(_event: 'drain', listener: () => void): this {
    this.#drains.push(listener);
    return this;
  }
  end(body?: Buffer): this {
    if (body !== undefined) this.bytes += body.length;
    this.ended++;
    return this;
  }
  destroy(): this {
    this.destroyed++;
    return this;
  }
  drain(): void {
    this.held = 0;
    const listeners = this.#drains;
    this.#drains = [];
    for (const l of listeners) l();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a body delivered to a sink is written as it arrives, held back while the sink is full, and the sink ended with it', async (t) => {
  const total = 8 << 20;
  let written = 0;
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(total) });
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const res = await pools(t).fetch(backend({ port }), GET, client);
  assert.equal(res.whole, null);
  assert.ok(res.deliverTo !== undefined);
  const sink = new Sink(128 * 1024);
  res.deliverTo(sink);
  await new Promise((r) => setTimeout(r, 300));
  // Full since its first 128 KiB: the exchange stopped reading, so the sink holds at most that and one read more.
  assert.ok(sink.bytes <= 128 * 1024 + 64 * 1024, `the sink was given ${sink.bytes} bytes while full`);
  assert.ok(written < total, 'the origin is held back too');
  assert.equal(sink.ended, 0);
  while (sink.ended === 0) {
    sink.drain();
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.deepEqual([sink.bytes, sink.ended, sink.destroyed], [total, 1, 0]);
  assert.deepEqual(await res.completed, { bytes: total, truncated: false, error: null });
});

test('a body cut short by between_bytes_timeout is delivered to the sink as far as it came, and the sink destroyed, never ended', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(Buffer.alloc(30_000, 'a'));
    // and nothing more: the origin stalls
  });
  const res = await pools(t).fetch(backend({ port, betweenBytesTimeoutMs: 150 }), GET, client);
  const sink = new Sink(1 << 20);
  res.deliverTo!(sink);
  await until(() => sink.destroyed > 0, 'the sink is destroyed');
  assert.deepEqual([sink.bytes, sink.ended, sink.destroyed], [30_000, 0, 1]);
  const outcome = await res.completed;
  assert.deepEqual([outcome.bytes, outcome.truncated, outcome.error?.reason], [30_000, true, 'backend read error']);
  assert.equal(res.truncated, true);
});

test('a body that arrived whole before it was delivered goes to the sink in one end()', async (t) => {
  const { port } = await httpOrigin(t, (_req, res) => res.end('small body'));
  const res = await pools(t).fetch(backend({ port }), GET, client);
  const sink = new Sink(1 << 20);
  res.deliverTo!(sink);
  assert.deepEqual([sink.bytes, sink.writes, sink.ended, sink.destroyed], [10, 0, 1, 0]);
});
