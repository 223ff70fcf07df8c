// A probe thread entry whose first thread throws after `crashAfterMs` (as one whose code threw
// would), and whose later threads do not: a SharedArrayBuffer shared by all of them says
// whether one crashed already.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { hostProbeThread } from '../../src/health/thread-host.ts';
import type { ProbeThreadData } from '../../src/health/thread-protocol.ts';

const data = workerData as ProbeThreadData & { readonly extra: { readonly crashed: SharedArrayBuffer; readonly crashAfterMs: number } };
if (parentPort === null) throw new Error('run as a worker thread');
hostProbeThread(parentPort, data, pino({ level: 'silent' }));
if (Atomics.compareExchange(new Int32Array(data.extra.crashed), 0, 0, 1) === 0) {
  setTimeout(() => { throw new Error('the probe thread crashed (test)'); }, data.extra.crashAfterMs);
}
