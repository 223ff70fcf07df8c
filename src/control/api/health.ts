// Health as the control API shows it (issue 4 §4): per backend and POP, from the POP's
// HealthRegistry; operator overrides like `varnishadm backend.set_health`; flips as
// Server-Sent Events.
import { Type } from '@sinclair/typebox';
import type { HealthEvent, HealthSnapshot } from '../../health/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

/** What the API needs of the POP's health engine (HealthRegistry satisfies it). */
export interface HealthSource {
  snapshot(serviceId: string): HealthSnapshot;
  setAdmin(ref: { serviceId: string; name: string }, state: 'auto' | 'healthy' | 'sick'): boolean;
  on(event: 'health', listener: (e: HealthEvent) => void): unknown;
  off(event: 'health', listener: (e: HealthEvent) => void): unknown;
}

const ADMIN = ['auto', 'healthy', 'sick'] as const;

export function registerHealthRoutes(routes: RouteTable, deps: ControlDeps, health: HealthSource): void {
  routes.add({ method: 'GET', url: '/service/:service_id/health', summary: 'Health of each backend in each POP', tag: 'health', access: 'read' },
    async ({ params }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      return health.snapshot(params.service_id);
    });

  routes.add({
    method: 'PUT', url: '/service/:service_id/health/:backend', summary: 'Set a backend\'s admin state: auto, healthy or sick', tag: 'health', access: 'write',
    body: Type.Object({ state: Type.Union(ADMIN.map((s) => Type.Literal(s))) }),
  }, async ({ params, body }) => {
    const state = (body as { state?: unknown } | null)?.state;
    if (typeof state !== 'string' || !(ADMIN as readonly string[]).includes(state)) {
      throw new ApiError('badRequest', `state: must be one of auto, healthy, sick, got ${JSON.stringify(state ?? null)}`);
    }
    await deps.store.transaction((tx) => requireService(tx, params.service_id));
    if (!health.setAdmin({ serviceId: params.service_id, name: params.backend }, state as (typeof ADMIN)[number])) {
      throw new ApiError('notFound', `backend '${params.backend}' is not in the active version of service '${params.service_id}'`);
    }
    return health.snapshot(params.service_id).backends.find((b) => b.name === params.backend) ?? { status: 'ok' };
  });

  routes.add({ method: 'GET', url: '/health/events', summary: 'Health flips as Server-Sent Events (?service_id= to filter)', tag: 'health', access: 'read' },
    async ({ query, reply }) => {
      const only = query.service_id;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': lacquer health events\n\n');
      const listener = (e: HealthEvent): void => {
        if (only !== undefined && !e.backends.some((b) => b.service_id === only)) return;
        res.write(`event: health\ndata: ${JSON.stringify(e)}\n\n`);
      };
      // A comment every 15 s keeps proxies and browsers from timing the stream out.
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      health.on('health', listener);
      res.once('close', () => {
        clearInterval(keepAlive);
        health.off('health', listener);
      });
    });
}
