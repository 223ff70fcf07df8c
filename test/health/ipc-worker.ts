// A stand-in for an edge worker: applies health messages from its parent and answers
// routing questions, as src/edge workers do over node:cluster IPC.
import { HealthView } from '../../src/health/ipc.ts';

const view = new HealthView();
process.on('message', (m: unknown) => {
  if (view.apply(m)) return;
  const ask = m as { type: string; identity: string; serviceId?: string; backend?: string };
  if (ask.type !== 'ask') return;
  const healthy = ask.serviceId === undefined
    ? view.isHealthy(ask.identity)
    : view.isBackendHealthy(ask.serviceId, ask.backend ?? '', ask.identity);
  process.send?.({ identity: ask.identity, healthy });
});
process.on('disconnect', () => process.exit(0));
