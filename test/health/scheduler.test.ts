import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimerHeap } from '../../src/health/heap.ts';
import type { HeapEntry } from '../../src/health/heap.ts';
import { ProbeScheduler } from '../../src/health/scheduler.ts';
import { virtualClock } from './clock.ts';

test('the timer heap pops entries in due order whatever was removed', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.array(fc.nat()), (dues, removals) => {
    const heap = new TimerHeap<HeapEntry>();
    const entries = dues.map((due) => ({ due, heapIndex: -1 }));
    for (const e of entries) heap.push(e);
    const removed = new Set<HeapEntry>();
    for (const r of removals) {
      if (entries.length === 0) break;
      const e = entries[r % entries.length];
      assert.equal(heap.remove(e), !removed.has(e));
      removed.add(e);
    }
    const popped: number[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) popped.push(e.due);
    const expected = entries.filter((e) => !removed.has(e)).map((e) => e.due).sort((a, b) => a - b);
    assert.deepEqual(popped, expected);
  }));
});

test('the next run is due one interval after the previous run finished', async (t) => {
  const clock = virtualClock(t);
  const scheduler = new ProbeScheduler({ clock: Date.now });
  t.after(() => scheduler.close());
  const starts: number[] = [];
  scheduler.add('a', 100, () => {
    starts.push(clock.now());
    return new Promise((resolve) => setTimeout(resolve, 30));
  });
  await clock.advance(400);
  // A timer of 0 ms fires after 1 ms in Node, hence the first start at 1.
  assert.deepEqual(starts, [1, 131, 261, 391]);
});

test('a slow run is never overlapped by the next one', async (t) => {
  const clock = virtualClock(t);
  const scheduler = new ProbeScheduler({ clock: Date.now });
  t.after(() => scheduler.close());
  let running = 0;
  let most = 0;
  scheduler.add('slow', 10, async () => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, 50));
    running--;
  });
  await clock.advance(300);
  assert.equal(most, 1);
});

test('first delays, removal mid-run and lateness reports', async (t) => {
  const clock = virtualClock(t);
  const late: number[] = [];
  const scheduler = new ProbeScheduler({ clock: Date.now, onStart: (ms) => late.push(ms) });
  t.after(() => scheduler.close());
  const runs: string[] = [];
  const run = (key: string) => () => {
    runs.push(`${key}@${clock.now()}`);
    return new Promise<void>((resolve) => setTimeout(resolve, 5));
  };
  scheduler.add('a', 100, run('a'), 0);
  scheduler.add('b', 100, run('b'), 50);
  assert.throws(() => scheduler.add('a', 100, run('a')), /already scheduled/);
  await clock.advance(52);
  assert.equal(scheduler.remove('b'), true); // b is running now: it finishes, never again
  assert.equal(scheduler.remove('b'), false);
  await clock.advance(300);
  assert.deepEqual(runs, ['a@1', 'b@50', 'a@106', 'a@211', 'a@316']);
  assert.deepEqual(late, [1, 0, 0, 0, 0]);
  assert.equal(scheduler.size, 1);
});

test('a callback run is rescheduled one interval after it calls done, and only once however often it calls', async (t) => {
  const clock = virtualClock(t);
  const scheduler = new ProbeScheduler({ clock: Date.now });
  t.after(() => scheduler.close());
  const starts: number[] = [];
  scheduler.addTask('sync', 100, (done) => {
    starts.push(clock.now());
    done();
    done();
  });
  const later: number[] = [];
  scheduler.addTask('async', 100, (done) => {
    later.push(clock.now());
    setTimeout(done, 30);
  }, 10);
  await clock.advance(250);
  assert.deepEqual(starts, [1, 101, 201]);
  assert.deepEqual(later, [10, 140]);
});

test('a run that ends starts the runs already 10 ms late, without waiting for the timer', async (t) => {
  // Virtual time that only this test moves; the scheduler's timers are real and far off.
  let now = 0;
  const late: number[] = [];
  const scheduler = new ProbeScheduler({ clock: () => now, onStart: (ms) => late.push(ms) });
  t.after(() => scheduler.close());
  const starts: string[] = [];
  let endA = (): void => {};
  scheduler.addTask('a', 100, (done) => {
    starts.push(`a@${now}`);
    endA = done;
  });
  scheduler.addTask('b', 100, (done) => {
    starts.push(`b@${now}`);
    done();
  }, 1000);
  scheduler.addTask('c', 100, () => starts.push(`c@${now}`), 2000);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(starts, ['a@0']);
  // The loop was busy elsewhere past b's due time: b's timer has not had its turn.
  now = 1030;
  endA();
  assert.deepEqual(starts, ['a@0', 'b@1030']);
  assert.deepEqual(late, [0, 30]);
});

test('a run that ends leaves a run less than 10 ms late to its timer', async (t) => {
  let now = 0;
  const scheduler = new ProbeScheduler({ clock: () => now });
  t.after(() => scheduler.close());
  const starts: string[] = [];
  let endA = (): void => {};
  scheduler.addTask('a', 100, (done) => {
    starts.push(`a@${now}`);
    endA = done;
  });
  scheduler.addTask('b', 100, () => starts.push(`b@${now}`), 1000);
  await new Promise((resolve) => setTimeout(resolve, 5));
  now = 1009;
  endA();
  assert.deepEqual(starts, ['a@0']);
});

test('at most maxStartsPerTurn due runs start per turn of the event loop, 256 by default; the rest in the next turns', async (t) => {
  async function batchesOf(tasks: number, maxStartsPerTurn?: number): Promise<number[]> {
    const scheduler = new ProbeScheduler({ clock: () => 0, maxStartsPerTurn });
    t.after(() => scheduler.close());
    const batches: number[] = [];
    let current = 0;
    let started = 0;
    for (let i = 0; i < tasks; i++) {
      // Runs that never end: every start is a first start.
      scheduler.addTask(`t${i}`, 1000, () => {
        started++;
        // Starts made by one synchronous pass of the scheduler end up in one batch.
        if (current++ === 0) queueMicrotask(() => { batches.push(current); current = 0; });
      });
    }
    const until = Date.now() + 5000;
    while (started < tasks && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    scheduler.close();
    return batches;
  }
  assert.deepEqual(await batchesOf(10, 4), [4, 4, 2]);
  assert.deepEqual(await batchesOf(600), [256, 256, 88]);
  assert.throws(() => new ProbeScheduler({ maxStartsPerTurn: 0 }), /maxStartsPerTurn: must be an integer of at least 1, got 0/);
});
