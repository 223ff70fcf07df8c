// Purging through the API (Fastly "Purging": purge_all and purge by surrogate key), and the
// token check the edge asks for on `PURGE <url>`. The purge itself is applied by the POP's
// edge workers; the API answers once every worker applied it (issue 6 §3).
import { newPurgeId, type PurgeCommand } from '../../edge/cache/index.ts';
import type { Store } from '../../store/index.ts';
import { authenticate, authorize } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

/** Applies a purge in every edge worker of this POP and resolves when all did. */
export type PurgeFanout = (command: PurgeCommand) => Promise<void>;

export function registerPurgeRoutes(routes: RouteTable, deps: ControlDeps, pop: string, fanout: PurgeFanout): void {
  const soft = (headers: Readonly<Record<string, string | undefined>>): boolean => headers['fastly-soft-purge']?.trim() === '1';

  routes.add({ method: 'POST', url: '/service/:service_id/purge_all', summary: 'Purge every object of the service (Fastly-Soft-Purge: 1 marks them stale)', tag: 'purge', access: 'write' },
    async ({ params, headers }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      const id = newPurgeId(pop);
      await fanout({ kind: 'all', id, serviceId: params.service_id, soft: soft(headers) });
      return { status: 'ok', id };
    });

  routes.add({ method: 'POST', url: '/service/:service_id/purge/:surrogate_key', summary: 'Purge every object whose Surrogate-Key has this key', tag: 'purge', access: 'write' },
    async ({ params, headers }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      const id = newPurgeId(pop);
      await fanout({ kind: 'surrogate-key', id, serviceId: params.service_id, surrogateKey: params.surrogate_key, soft: soft(headers) });
      return { status: 'ok', id };
    });
}

/** Whether `token` may purge `serviceId` (the edge's `PURGE <url>` sends it here). */
export async function authorizePurge(store: Store, token: string | null, serviceId: string): Promise<'ok' | 'unauthorized' | 'forbidden'> {
  try {
    authorize(await authenticate(store, token), 'write', serviceId);
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.status === 401 ? 'unauthorized' : 'forbidden';
    throw err;
  }
}
