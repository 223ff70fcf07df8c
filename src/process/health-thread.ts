// Entry point of the probe thread (node:worker_threads) that the primary starts through
// src/health/thread-client.ts: its logger, then the health module's host. The thread writes
// its own log lines to the process's stdout, in the primary's format and level.

import { parentPort, workerData } from 'node:worker_threads';
import { hostProbeThread } from '../health/thread-host.ts';
import type { ProbeThreadData } from '../health/thread-protocol.ts';
import { createLogger } from './logger.ts';
import { LOG_LEVELS, type LogLevel } from './options.ts';

interface Extra {
  readonly logLevel?: string;
  readonly pretty?: boolean;
}

const data = workerData as ProbeThreadData & { readonly extra?: Extra };
const level: LogLevel = LOG_LEVELS.find((l) => l === data.extra?.logLevel) ?? 'info';
// No `pop` here: every health line carries its own (src/health/log.ts).
const logger = createLogger({ component: 'health', thread: 'probes' }, { level, pretty: data.extra?.pretty ?? false });
if (parentPort === null) throw new Error('the probe thread runs only as a worker thread');
hostProbeThread(parentPort, data, logger);
