// Health as the control API shows it (DESIGN.md §4.2, §4.6): per backend and POP. The POP this
// node serves comes live from its probe engine; every other POP (and every POP, on a node
// that runs no probes: --role control) from the rows each POP writes to the Store
// (./health-fleet.ts), with `stale` when a POP's summary is too old. Overrides, like
// `varnishadm backend.set_health`, are per service and backend and fleet-wide: written to the
// Store, published to every node. Flips stream as Server-Sent Events.
import { Type } from '@sinclair/typebox';
import type { HealthEntry, HealthEvent, HealthSnapshot } from '../../health/index.ts';
import type { HealthOverrideRow, StoreEvent } from '../../store/index.ts';
import { authorize } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { backendVclName } from '../../model/generate.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { activeBackends, backendOf, fleetEntries, flipEvent, readFleetRows } from './health-fleet.ts';
import type { ServiceBackend } from './health-fleet.ts';

/** What the API needs of this node's probe engine (ProbeThread and HealthRegistry satisfy it). */
export interface HealthSource {
  snapshot(serviceId: string): HealthSnapshot | Promise<HealthSnapshot>;
  setAdmin(ref: { serviceId: string; name: string }, state: 'auto' | 'healthy' | 'sick', at?: number): boolean;
  on(event: 'health', listener: (e: HealthEvent) => void): unknown;
  off(event: 'health', listener: (e: HealthEvent) => void): unknown;
}

const ADMIN = ['auto', 'healthy', 'sick'] as const;

/**
 * `local`: this node's probe engine and the POP it serves, or null on a node that runs none.
 */
export function registerHealthRoutes(routes: RouteTable, deps: ControlDeps, local: { readonly pop: string; readonly health: HealthSource } | null): void {
  /** The service's backends with every POP's entry: this node's POP first, live, then the others by name. */
  const snapshot = async (serviceId: string): Promise<HealthSnapshot> => {
    const own = local === null ? null : await local.health.snapshot(serviceId);
    return deps.store.transaction(async (tx) => {
      // On a node that routes the service, its own list; else the active version's.
      const backends: readonly ServiceBackend[] = own === null ? await activeBackends(tx, serviceId) : own.backends.map(backendOf);
      const rows = await readFleetRows(tx, serviceId, backends);
      const now = Date.now();
      const entries: HealthEntry[] = [];
      backends.forEach((b, i) => {
        if (own !== null) entries.push(own.backends[i]);
        entries.push(...fleetEntries(b, rows, local?.pop ?? null, now));
      });
      return { service_id: serviceId, backends: entries };
    });
  };

  routes.add({ method: 'GET', url: '/service/:service_id/health', summary: 'Health of each backend in each POP', tag: 'health', access: 'read' },
    async ({ params }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      return snapshot(params.service_id);
    });

  routes.add({
    method: 'PUT', url: '/service/:service_id/health/:backend', tag: 'health', access: 'write',
    summary: 'Set a backend\'s admin state (auto, healthy or sick) in this service, in every POP; the backend by its VCL name (F_origin) or API name (origin), ?name_type=vcl|api when both fit',
    body: Type.Object({ state: Type.Union(ADMIN.map((s) => Type.Literal(s))) }),
  }, async ({ params, query, body }) => {
    const state = (body as { state?: unknown } | null)?.state;
    if (typeof state !== 'string' || !(ADMIN as readonly string[]).includes(state)) {
      throw new ApiError('badRequest', `state: must be one of auto, healthy, sick, got ${JSON.stringify(state ?? null)}`);
    }
    const admin = state as (typeof ADMIN)[number];
    const serviceId = params.service_id;
    const active = local === null
      ? await deps.store.transaction(async (tx) => { await requireService(tx, serviceId); return (await activeBackends(tx, serviceId)).map((b) => b.name); })
      : await deps.store.transaction((tx) => requireService(tx, serviceId)).then(async () => (await local.health.snapshot(serviceId)).backends.map((b) => b.name));
    const name = resolveBackendName(active, params.backend, query.name_type, serviceId);
    const at = new Date();
    await deps.store.transaction(async (tx) => {
      await tx.setHealthOverride({ serviceId, backend: name, admin, at: at.toISOString() });
      tx.publish({ type: 'health-admin', serviceId, backend: name, admin, at: at.toISOString() });
    });
    // This node routes by it at once; the others when the event reaches them.
    if (local !== null && !local.health.setAdmin({ serviceId, name }, admin, at.getTime())) {
      throw new ApiError('notFound', `backend '${name}' is not in the active version of service '${serviceId}'`);
    }
    return (await snapshot(serviceId)).backends.find((b) => b.name === name) ?? { status: 'ok' };
  });

  // A token scoped to one service sees that service's flips only, and in each flip only its own
  // backends: another service sharing the probe is never named to it. Flips of this node's POP
  // come from its probe engine; those of the other POPs from the Store's events, for one
  // service (a node that runs no probes has no index of every service's identities, so it
  // streams one service's flips at a time).
  routes.add({
    method: 'GET', url: '/health/events', tag: 'health', access: 'read', scoped: 'own-service',
    summary: 'Health flips as Server-Sent Events (?service_id= to filter; a scoped token: its own service\'s; required on a node that runs no probes)',
  }, async ({ query, reply, token }) => {
    const only = query.service_id ?? token?.serviceId ?? null;
    if (token !== null && query.service_id !== undefined) authorize(token, 'read', query.service_id);
    if (only === null && local === null) {
      throw new ApiError('badRequest', 'service_id: required on a node that runs no probes (--role control); ask for one service\'s flips');
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': lacquer health events\n\n');
    const send = (event: HealthEvent): void => { res.write(`event: health\ndata: ${JSON.stringify(event)}\n\n`); };
    const listener = (e: HealthEvent): void => {
      const event = only === null ? e : eventFor(e, only);
      if (event !== null) send(event);
    };
    const fromStore = (e: StoreEvent): void => {
      if (e.type !== 'health' || only === null || e.pop === local?.pop) return;
      void deps.store.transaction(async (tx) => ({
        backends: await activeBackends(tx, only),
        overrides: new Map((await tx.listHealthOverrides({ serviceId: only })).map((o): [string, HealthOverrideRow] => [o.backend, o])),
      })).then(({ backends, overrides }) => {
        const event = flipEvent(e, backends, only, overrides);
        if (event !== null && !res.destroyed) send(event);
      }, (err: unknown) => deps.logger.warn({ err }, 'could not relay another POP\'s health flip'));
    };
    // A comment every 15 s keeps proxies and browsers from timing the stream out.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    local?.health.on('health', listener);
    deps.store.events.on('event', fromStore);
    res.once('close', () => {
      clearInterval(keepAlive);
      local?.health.off('health', listener);
      deps.store.events.off('event', fromStore);
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
