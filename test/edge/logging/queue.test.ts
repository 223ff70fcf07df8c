// The per-endpoint queue on its own (src/edge/logging/queue.ts): batch limits, the memory bound
// and what it drops, retries that lose nothing, and a push that never waits for the receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogQueue, PermanentDeliveryError, type QueueOptions } from '../../../src/edge/logging/queue.ts';

interface Counts { shipped: number; batches: number; retries: number; dropped: Record<string, number> }

function queue(over: Partial<QueueOptions> & Pick<QueueOptions, 'send'>): { q: LogQueue; counts: Counts } {
  const counts: Counts = { shipped: 0, batches: 0, retries: 0, dropped: {} };
  const q = new LogQueue({
    maxEntries: 1000, maxBytes: 1 << 20, periodMs: 5, bufferLines: 1000, bufferBytes: 1 << 20, retryMs: 5, maxRetryMs: 20,
    counters: {
      shipped: (lines) => { counts.shipped += lines; counts.batches++; },
      retried: () => { counts.retries++; },
      dropped: (lines, why) => { counts.dropped[why] = (counts.dropped[why] ?? 0) + lines; },
    },
    ...over,
  });
  return { q, counts };
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('batches hold at most maxEntries lines and maxBytes bytes, in order', async () => {
  const batches: string[][] = [];
  const { q } = queue({ maxEntries: 4, maxBytes: 12, send: async (b) => { batches.push([...b]); } });
  for (const l of ['a', 'b', 'c', 'd', 'e', 'fffff', 'ggggg', 'h']) q.push(l);
  await q.drain(1000);
  // 'a'..'d' fill maxEntries; 'e' + 'fffff' are 8 bytes with newlines, 'ggggg' would pass 12.
  assert.deepEqual(batches, [['a', 'b', 'c', 'd'], ['e', 'fffff'], ['ggggg', 'h']]);
});

test('a line is sent within the period when the batch is not full', async () => {
  const batches: string[][] = [];
  const { q } = queue({ periodMs: 20, send: async (b) => { batches.push([...b]); } });
  q.push('only');
  assert.deepEqual(batches, []);
  await settle(100);
  assert.deepEqual(batches, [['only']]);
});

test('past the buffer bound the oldest lines are dropped and counted, and the newest delivered', async () => {
  let open = false;
  const delivered: string[] = [];
  const { q, counts } = queue({ bufferLines: 10, send: async (b) => { if (!open) throw new Error('receiver down'); delivered.push(...b); } });
  for (let i = 0; i < 25; i++) q.push(String(i));
  assert.ok(q.pending <= 10);
  await settle(30);
  open = true;
  await q.drain(2000);
  assert.equal(counts.dropped.overflow, 15);
  assert.deepEqual(delivered, Array.from({ length: 10 }, (_, i) => String(i + 15)));
  assert.ok(counts.retries >= 1);
});

test('a long outage keeps exactly the newest lines of the bound, in order (the dropped front is reclaimed)', async () => {
  let open = false;
  const delivered: string[] = [];
  const { q, counts } = queue({ bufferLines: 2000, maxEntries: 500, send: async (b) => { if (!open) throw new Error('down'); delivered.push(...b); } });
  for (let i = 0; i < 10_000; i++) q.push(String(i));
  assert.equal(q.pending, 2000);
  open = true;
  await settle(30);
  await q.drain(5000);
  assert.deepEqual(delivered, Array.from({ length: 2000 }, (_, i) => String(i + 8000)));
  assert.equal(counts.dropped.overflow, 8000);
});

test('a receiver that fails and recovers gets every line within the bound, once, in order', async () => {
  let failures = 3;
  const delivered: string[] = [];
  const { q, counts } = queue({ maxEntries: 2, send: async (b) => { if (failures-- > 0) throw new Error('503'); delivered.push(...b); } });
  for (let i = 0; i < 5; i++) q.push(String(i));
  await settle(200);
  await q.drain(2000);
  assert.deepEqual(delivered, ['0', '1', '2', '3', '4']);
  assert.deepEqual([counts.retries, counts.shipped, counts.dropped], [3, 5, {}]);
});

test('a batch the receiver refuses for good is dropped and counted, and the next one still goes', async () => {
  const delivered: string[] = [];
  let first = true;
  const { q, counts } = queue({ maxEntries: 1, send: async (b) => { if (first) { first = false; throw new PermanentDeliveryError('400'); } delivered.push(...b); } });
  q.push('bad');
  q.push('good');
  await q.drain(1000);
  assert.deepEqual([delivered, counts.dropped], [['good'], { refused: 1 }]);
});

test('push returns at once while the receiver never answers', () => {
  const { q } = queue({ maxEntries: 1, bufferLines: 100, send: () => new Promise<void>(() => {}) });
  for (let i = 0; i < 10_000; i++) q.push(`line ${i}`);
  // One batch hangs in flight; everything else waits in the bounded buffer, nothing blocked.
  assert.equal(q.pending, 100);
  q.close();
});
