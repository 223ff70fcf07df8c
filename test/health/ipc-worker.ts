// A stand-in for an edge worker: applies health messages from its parent and answers
// routing questions, as src/edge workers will over node:cluster IPC.
import { HealthView } from '../../src/health/ipc.ts';

const view = new HealthView();
process.on('message', (m: unknown) => {
  if (view.apply(m)) return;
  const ask = m as { type: string; identity: string };
  if (ask.type === 'ask') process.send?.({ identity: ask.identity, healthy: view.isHealthy(ask.identity) });
});
process.on('disconnect', () => process.exit(0));
