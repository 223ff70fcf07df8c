// Virtual time for scheduler tests: node:test's mocked setTimeout and Date, advanced one
// millisecond at a time so each timer sees the time it was due at, with real I/O (probes
// against loopback origins) allowed to finish between steps.
import type { TestContext } from 'node:test';

export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface VirtualClock {
  /** Milliseconds since the clock was started. */
  now(): number;
  advance(ms: number): Promise<void>;
  /** Work to wait for (real I/O) before time may move on. */
  track<T>(p: Promise<T>): Promise<T>;
}

export function virtualClock(t: TestContext): VirtualClock {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const inflight = new Set<Promise<unknown>>();
  const settle = async (): Promise<void> => {
    await flush();
    while (inflight.size > 0) {
      await Promise.allSettled([...inflight]);
      await flush();
    }
  };
  return {
    now: () => Date.now() - 1_000_000,
    async advance(ms) {
      await settle();
      for (let i = 0; i < ms; i++) {
        t.mock.timers.tick(1);
        await settle();
      }
    },
    track(p) {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      return p;
    },
  };
}
