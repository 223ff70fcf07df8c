// `GET /datacenters` (Fastly: https://www.fastly.com/documentation/reference/api/utils/pops/):
// one entry per POP of the fleet that has a live edge node (DESIGN.md §4.6), with `code`,
// `name` and `shield` set to its `--pop` name — the name a backend's `shield` field takes. What
// lacquer does not know about a POP (its geographic group, region and coordinates) is null.
// Shown to any token: it names POPs, no service's data.
import type { RouteTable } from '../routes.ts';
import { PURGE_LIVE_MS } from '../fleet-purge.ts';
import type { ControlDeps } from './deps.ts';

export function registerDatacenterRoutes(routes: RouteTable, deps: ControlDeps): void {
  routes.add({ method: 'GET', url: '/datacenters', summary: 'The POPs that have a live edge node', tag: 'meta', access: 'read', scoped: 'no-service-data' },
    async () => {
      // Live as the purge API counts it: heard from within the last 3 s.
      const nodes = await deps.store.transaction((tx) => tx.listLiveNodes(PURGE_LIVE_MS));
      const pops = [...new Set(nodes.filter((n) => n.role !== 'control').map((n) => n.pop))].sort();
      return pops.map((pop) => ({
        code: pop, name: pop, group: null, region: null, stats_region: null, billing_region: null, coordinates: null, shield: pop,
      }));
    });
}
