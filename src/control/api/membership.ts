// Director membership: https://www.fastly.com/documentation/reference/api/load-balancing/directors/director-backend/
// Kept as the director's sorted `backends` list, so a director and its members are one row.
import { Type } from '@sinclair/typebox';
import { StatusOk } from '../../model/api/index.ts';
import type { ObjectRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { now, parseVersionNumber, requireEditable, requireVersion } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { keepOneMain } from './resources.ts';

const Membership = Type.Object({
  service_id: Type.String(), version: Type.Integer(), director: Type.String(), backend: Type.String(),
  created_at: Type.String(), updated_at: Type.String(), deleted_at: Type.Null(),
});

function membershipBody(d: ObjectRow, backend: string): Record<string, unknown> {
  return { service_id: d.serviceId, version: d.version, director: d.name, backend, created_at: d.createdAt, updated_at: d.updatedAt, deleted_at: null };
}

async function load(tx: StoreTx, p: Readonly<Record<string, string>>, editable: boolean): Promise<{ director: ObjectRow; members: string[] }> {
  const v = parseVersionNumber(p.version_id);
  if (editable) await requireEditable(tx, p.service_id, v);
  else await requireVersion(tx, p.service_id, v);
  const director = await tx.getObject(p.service_id, v, 'director', p.director);
  if (director === null) throw new ApiError('notFound', `Couldn't find director '${p.director}' in version ${v} of service '${p.service_id}'`);
  if (await tx.getObject(p.service_id, v, 'backend', p.backend) === null) {
    throw new ApiError('notFound', `Couldn't find backend '${p.backend}' in version ${v} of service '${p.service_id}'`);
  }
  return { director, members: (director.data.backends as string[] | null) ?? [] };
}

export function registerMembershipRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;
  const url = '/service/:service_id/version/:version_id/director/:director/backend/:backend';
  routes.add({ method: 'POST', url, summary: 'Add a backend to a director', tag: 'director', access: 'write', response: Membership }, async ({ params }) =>
    store.transaction(async (tx) => {
      const { director, members } = await load(tx, params, true);
      if (members.includes(params.backend)) throw new ApiError('duplicate', `backend '${params.backend}' is already in director '${director.name}'`);
      const row = { ...director, data: { ...director.data, backends: [...members, params.backend].sort() }, updatedAt: now() };
      await tx.replaceObject(director.name, row);
      return membershipBody(row, params.backend);
    }));
  routes.add({ method: 'GET', url, summary: 'Describe a director membership', tag: 'director', access: 'read', response: Membership }, async ({ params }) =>
    store.transaction(async (tx) => {
      const { director, members } = await load(tx, params, false);
      if (!members.includes(params.backend)) throw new ApiError('notFound', `backend '${params.backend}' is not in director '${director.name}'`);
      return membershipBody(director, params.backend);
    }));
  routes.add({ method: 'DELETE', url, summary: 'Remove a backend from a director', tag: 'director', access: 'write', response: StatusOk }, async ({ params }) =>
    store.transaction(async (tx) => {
      const { director, members } = await load(tx, params, true);
      if (!members.includes(params.backend)) throw new ApiError('notFound', `backend '${params.backend}' is not in director '${director.name}'`);
      await tx.replaceObject(director.name, { ...director, data: { ...director.data, backends: members.filter((m) => m !== params.backend) }, updatedAt: now() });
      return { status: 'ok' };
    }));

  routes.add({ method: 'PUT', url: '/service/:service_id/version/:version_id/vcl/:name/main', summary: 'Make a VCL file the main one', tag: 'vcl', access: 'write' }, async ({ params }) =>
    store.transaction(async (tx) => {
      const v = parseVersionNumber(params.version_id);
      await requireEditable(tx, params.service_id, v);
      const row = await tx.getObject(params.service_id, v, 'vcl', params.name);
      if (row === null) throw new ApiError('notFound', `Couldn't find vcl '${params.name}' in version ${v} of service '${params.service_id}'`);
      const updated = { ...row, data: { ...row.data, main: true }, updatedAt: now() };
      await tx.replaceObject(row.name, updated);
      await keepOneMain(tx, updated);
      return { ...updated.data, service_id: row.serviceId, version: v, created_at: row.createdAt, updated_at: updated.updatedAt, deleted_at: null };
    }));
}
