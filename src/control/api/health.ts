// Health as the control API shows it (DESIGN.md §4.2, §4.6): per backend and POP, from the POP's
// HealthRegistry; operator overrides like `varnishadm backend.set_health`; flips as
// Server-Sent Events.
import { Type } from '@sinclair/typebox';
import type { HealthEvent, HealthSnapshot } from '../../health/index.ts';
import { authorize } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { backendVclName } from '../../model/generate.ts';
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
    method: 'PUT', url: '/service/:service_id/health/:backend', tag: 'health', access: 'write',
    summary: 'Set a backend\'s admin state (auto, healthy or sick) in this service; the backend by its VCL name (F_origin) or API name (origin), ?name_type=vcl|api when both fit',
    body: Type.Object({ state: Type.Union(ADMIN.map((s) => Type.Literal(s))) }),
  }, async ({ params, query, body }) => {
    const state = (body as { state?: unknown } | null)?.state;
    if (typeof state !== 'string' || !(ADMIN as readonly string[]).includes(state)) {
      throw new ApiError('badRequest', `state: must be one of auto, healthy, sick, got ${JSON.stringify(state ?? null)}`);
    }
    await deps.store.transaction((tx) => requireService(tx, params.service_id));
    const active = health.snapshot(params.service_id).backends.map((b) => b.name);
    const name = resolveBackendName(active, params.backend, query.name_type, params.service_id);
    if (!health.setAdmin({ serviceId: params.service_id, name }, state as (typeof ADMIN)[number])) {
      throw new ApiError('notFound', `backend '${name}' is not in the active version of service '${params.service_id}'`);
    }
    return health.snapshot(params.service_id).backends.find((b) => b.name === name) ?? { status: 'ok' };
  });

  // A token scoped to one service sees that service's flips only, and in each flip only its own
  // backends: another service sharing the probe is never named to it.
  routes.add({
    method: 'GET', url: '/health/events', tag: 'health', access: 'read', scoped: 'own-service',
    summary: 'Health flips as Server-Sent Events (?service_id= to filter; a scoped token: its own service\'s)',
  }, async ({ query, reply, token }) => {
    const only = query.service_id ?? token?.serviceId ?? null;
    if (token !== null && query.service_id !== undefined) authorize(token, 'read', query.service_id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': lacquer health events\n\n');
    const listener = (e: HealthEvent): void => {
      const event = only === null ? e : eventFor(e, only);
      if (event !== null) res.write(`event: health\ndata: ${JSON.stringify(event)}\n\n`);
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

/** `e` as one service sees it: its own backends only, or null when it has none in it. */
export function eventFor(e: HealthEvent, serviceId: string): HealthEvent | null {
  const backends = e.backends.filter((b) => b.service_id === serviceId);
  if (backends.length === 0) return null;
  return backends.length === e.backends.length ? e : { ...e, backends };
}

const NAME_TYPES = ['vcl', 'api'] as const;

/**
 * The VCL name that `given` stands for among a service's active backends (`active`, VCL
 * names): `given` itself as a VCL name (`F_origin`, or the name of a backend declared in
 * custom VCL), or as an API name, whose VCL name is `F_` + the name with every
 * non-alphanumeric character replaced by `_` (DESIGN.md §4.2). `lacquer health set origin`
 * thus finds `F_origin`. When both readings name a backend, `nameType` chooses; without it
 * the name is refused as ambiguous rather than guessed.
 */
export function resolveBackendName(active: readonly string[], given: string, nameType: string | undefined, serviceId: string): string {
  if (nameType !== undefined && !(NAME_TYPES as readonly string[]).includes(nameType)) {
    throw new ApiError('badRequest', `name_type: must be vcl or api, got "${nameType}"`);
  }
  const apiVclName = backendVclName(given);
  const asVcl = active.includes(given) ? given : null;
  const asApi = active.includes(apiVclName) ? apiVclName : null;
  const missing = (how: string): ApiError =>
    new ApiError('notFound', `backend '${given}' is not in the active version of service '${serviceId}' ${how}`);
  if (nameType === 'vcl' || (nameType === undefined && asApi === null)) {
    if (asVcl === null) throw missing(nameType === 'vcl' ? 'as a VCL name' : `as a VCL name or as an API name (VCL name ${apiVclName})`);
    return asVcl;
  }
  if (nameType === 'api' || asVcl === null) {
    if (asApi === null) throw missing(`as an API name (VCL name ${apiVclName})`);
    return asApi;
  }
  throw new ApiError('badRequest', `backend: "${given}" is ambiguous in service '${serviceId}': it is the VCL name of backend ${asVcl} and the API name of backend ${asApi}; add ?name_type=vcl or ?name_type=api`);
}
