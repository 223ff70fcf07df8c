// Services: https://www.fastly.com/documentation/reference/api/services/service/
// Creating a service also creates its version 1, editable (DESIGN.md §4.2).
import { Type } from '@sinclair/typebox';
import { parseRecord, requestSchema, service, StatusOk } from '../../model/api/index.ts';
import type { ServiceRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { serviceBody, versionDetail } from '../present.ts';
import type { RouteTable } from '../routes.ts';
import { newServiceId, now, requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { badRequest } from './objects.ts';

const ServiceBody = Type.Object({
  id: Type.String(), name: Type.String(), comment: Type.String(), customer_id: Type.String(), type: Type.Literal('vcl'),
  paused: Type.Boolean(), version: Type.Union([Type.Integer(), Type.Null()]), versions: Type.Array(Type.Object({})),
  created_at: Type.String(), updated_at: Type.String(), deleted_at: Type.Null(),
}, { additionalProperties: true });

async function load(tx: StoreTx, id: string): Promise<Record<string, unknown>> {
  await requireService(tx, id);
  return serviceBody((await tx.getService(id)) as ServiceRow, await tx.listVersions(id));
}

export function registerServiceRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;
  routes.add({ method: 'GET', url: '/service', summary: 'List services (a scoped token: its own)', tag: 'service', access: 'read', scoped: 'own-service', response: Type.Array(ServiceBody) }, async ({ token }) =>
    store.transaction(async (tx) => {
      const all = await tx.listServices();
      const visible = token?.serviceId == null ? all : all.filter((s) => s.id === token.serviceId);
      return Promise.all(visible.map(async (s) => serviceBody(s, await tx.listVersions(s.id))));
    }));

  routes.add({ method: 'POST', url: '/service', summary: 'Create a service (and its version 1)', tag: 'service', access: 'write', body: requestSchema(service), response: ServiceBody }, async ({ body }) =>
    store.transaction(async (tx) => {
      const parsed = parseRecord(service, body, null);
      if (!parsed.ok) throw badRequest(parsed.errors);
      const at = now();
      const row: ServiceRow = { id: newServiceId(), name: String(parsed.record.name), comment: (parsed.record.comment as string | null) ?? null, createdAt: at, updatedAt: at };
      await tx.insertService(row);
      await tx.insertVersion({ serviceId: row.id, number: 1, active: false, locked: false, comment: null, createdAt: at, updatedAt: at });
      return load(tx, row.id);
    }));

  routes.add({ method: 'GET', url: '/service/search', summary: 'Find a service by name (a scoped token: its own)', tag: 'service', access: 'read', scoped: 'own-service', response: ServiceBody }, async ({ query, token }) =>
    store.transaction(async (tx) => {
      const found = (await tx.listServices()).find((s) => s.name === query.name && (token?.serviceId == null || token.serviceId === s.id));
      if (found === undefined) throw new ApiError('notFound', `Couldn't find a service named '${query.name ?? ''}'`);
      return load(tx, found.id);
    }));

  routes.add({ method: 'GET', url: '/service/:service_id', summary: 'Describe a service', tag: 'service', access: 'read', response: ServiceBody }, async ({ params }) =>
    store.transaction((tx) => load(tx, params.service_id)));

  routes.add({ method: 'GET', url: '/service/:service_id/details', summary: 'Service with its latest and active version', tag: 'service', access: 'read', response: ServiceBody }, async ({ params }) =>
    store.transaction(async (tx) => {
      const body = await load(tx, params.service_id);
      const versions = await tx.listVersions(params.service_id);
      const active = versions.find((v) => v.active) ?? null;
      const latest = versions[versions.length - 1];
      return { ...body, version: await versionDetail(tx, latest), active_version: active === null ? null : await versionDetail(tx, active) };
    }));

  routes.add({ method: 'PUT', url: '/service/:service_id', summary: 'Update a service', tag: 'service', access: 'write', body: requestSchema(service), response: ServiceBody }, async ({ params, body }) =>
    store.transaction(async (tx) => {
      await requireService(tx, params.service_id);
      const current = (await tx.getService(params.service_id)) as ServiceRow;
      const parsed = parseRecord(service, body, { name: current.name, comment: current.comment, type: 'vcl', customer_id: null });
      if (!parsed.ok) throw badRequest(parsed.errors);
      await tx.updateService(params.service_id, { name: String(parsed.record.name), comment: (parsed.record.comment as string | null) ?? null, updatedAt: now() });
      return load(tx, params.service_id);
    }));

  routes.add({ method: 'DELETE', url: '/service/:service_id', summary: 'Delete a service without an active version', tag: 'service', access: 'write', response: StatusOk }, async ({ params }) =>
    store.transaction(async (tx) => {
      await requireService(tx, params.service_id);
      const active = (await tx.listVersions(params.service_id)).find((v) => v.active);
      if (active !== undefined) throw new ApiError('serviceActive', `deactivate version ${active.number} of service '${params.service_id}' first`);
      await tx.deleteService(params.service_id);
      return { status: 'ok' };
    }));
}
