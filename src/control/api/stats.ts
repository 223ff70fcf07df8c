// lacquer's own traffic summary: `GET /service/{sid}/stats` answers the POP's
// requests by cache outcome, the hit ratio and the requests sent to each backend over the last
// minute and the last hour. The counts live in the edge workers; the primary asks each of them
// and sums (src/process/primary.ts), the same fan-out purges use.
import { hitRatio, type StatsSnapshot, type WindowCounts } from '../../edge/stats.ts';
import type { RouteTable } from '../routes.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

/** The POP's counts for a service, summed over every edge worker. */
export type StatsSource = (serviceId: string) => Promise<StatsSnapshot>;

export function registerStatsRoutes(routes: RouteTable, deps: ControlDeps, pop: string, stats: StatsSource): void {
  routes.add({ method: 'GET', url: '/service/:service_id/stats', summary: 'Requests, hit ratio and origin requests per backend over the last minute and hour (this POP)', tag: 'stats', access: 'read' },
    async ({ params }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      const s = await stats(params.service_id);
      return { service_id: params.service_id, pop, minute: present(s.minute), hour: present(s.hour) };
    });
}

function present(c: WindowCounts): Record<string, unknown> {
  return {
    requests: c.requests, hits: c.hits, misses: c.misses, passes: c.passes, stale: c.stale,
    hit_ratio: hitRatio(c), origin_requests: c.origin_requests,
  };
}
