// The probe thread: the node's HealthRegistry, run on a node:worker_threads thread of its own
// so probes start on time whatever the thread that serves the API and the Store is doing
// (Varnish also polls backends from a thread of its own, cache_backend_probe.c vbp_thread).
// Who owns what: this thread owns the registry, its scheduler and every probe socket; the
// owning thread (thread-client.ts) learns verdicts, overrides, events and rows from the
// messages here, batched per turn of this thread's event loop, and asks for the rest.

import type { MessagePort } from 'node:worker_threads';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { BackendKey } from './admin.ts';
import type { HealthMessage } from './ipc.ts';
import { HealthMetrics } from './metrics.ts';
import { HealthRegistry } from './registry.ts';
import type { HealthEvent } from './registry-types.ts';
import type { IdentitySummary } from './summary.ts';
import type { FromProbeThread, ProbeStats, ProbeThreadData, Reply, Request, ToProbeThread } from './thread-protocol.ts';

/** A start later than this after its due time is late (the probe engine's target, docs/benchmarks.md). */
const LATE_MS = 50;

export function hostProbeThread(port: MessagePort, data: ProbeThreadData, logger: Logger): void {
  const metrics = new Registry();
  const stats = { starts: 0, late: 0, probes: 0, happy: 0 };
  const registry = new HealthRegistry({
    pop: data.pop, logger, metrics: new HealthMetrics(metrics), spread: data.spread,
    scheduler: {
      onStart(lateMs) {
        stats.starts++;
        if (lateMs > LATE_MS) stats.late++;
      },
    },
  });
  registry.on('probe', (_identity, result) => {
    stats.probes++;
    if (result.outcome === 'happy') stats.happy++;
  });

  let messages: HealthMessage[] = [];
  let events: HealthEvent[] = [];
  let flips: IdentitySummary[] = [];
  let dropped: BackendKey[] = [];
  let flushing = false;
  const post = (m: FromProbeThread): void => port.postMessage(m);
  const flush = (): void => {
    flushing = false;
    if (messages.length + events.length + flips.length + dropped.length === 0) return;
    post({ type: 'batch', messages, events, flips, dropped });
    messages = [];
    events = [];
    flips = [];
    dropped = [];
  };
  // One message per turn, however many flips it had (a sync of 10,000 identities starts 10,000).
  const later = (): void => {
    if (flushing) return;
    flushing = true;
    setImmediate(flush);
  };
  registry.on('message', (m) => { messages.push(m); later(); });
  registry.on('flip', (row) => { flips.push(row); later(); });
  registry.on('dropped', (refs) => { dropped.push(...refs); later(); });
  const onEvent = (e: HealthEvent): void => { events.push(e); later(); };

  const summaries = setInterval(() => {
    const at = Date.now();
    // What happened before the summary is posted before it.
    flush();
    post({ type: 'summary', at, summary: registry.summarize(data.refreshMs, at) });
  }, data.summaryMs);

  const answer = async (request: Request): Promise<Reply> => {
    switch (request.type) {
      case 'snapshot': return registry.snapshot(request.serviceId);
      case 'metrics': return metrics.metrics();
      case 'stats': {
        const cpu = process.threadCpuUsage();
        const loop = performance.eventLoopUtilization();
        return { ...stats, cpuUs: cpu.user + cpu.system, loopActiveMs: loop.active, loopIdleMs: loop.idle } satisfies ProbeStats;
      }
      case 'close':
        clearInterval(summaries);
        registry.close();
        flush();
        return null;
    }
  };

  port.on('message', (m: ToProbeThread) => {
    switch (m.type) {
      case 'put': registry.putService(m.serviceId, m.backends); break;
      case 'remove': registry.removeService(m.serviceId); break;
      case 'admin': registry.setAdmin({ serviceId: m.serviceId, name: m.name }, m.admin, m.at); break;
      case 'nodes': registry.setPopNodes(m.self, m.live); break;
      case 'summaries': registry.applySummaries(m.rows); break;
      case 'verdict': registry.applyVerdict(m.key, m.healthy, m.at); break;
      case 'events':
        registry.off('health', onEvent);
        if (m.on) registry.on('health', onEvent);
        break;
      case 'request':
        // Replies come after everything that happened before the request.
        void answer(m.request).then((value) => {
          flush();
          post({ type: 'reply', id: m.id, value });
        }, (err: unknown) => {
          logger.error({ err }, 'probe thread request failed');
          post({ type: 'reply', id: m.id, value: null });
        });
        return;
    }
    later();
  });
}
