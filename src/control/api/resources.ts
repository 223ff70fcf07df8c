// The version-scoped resources and the references between them: a backend names its
// healthcheck, a director lists its backends, one VCL file is main, and backends and
// directors share one namespace of VCL names.
import * as model from '../../model/api/index.ts';
import type { ApiRecord } from '../../model/api/index.ts';
import { describeHolder, vclNameClash, vclNameOf, type NamedKind } from '../../model/vcl-names.ts';
import type { NewObjectRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { checkShareKey } from '../share-key.ts';
import { checkShieldPop } from '../shield-pop.ts';
import type { ControlDeps } from './deps.ts';
import { requireConditions } from './conditions.ts';
import { registerObjectRoutes, rewriteReferences } from './objects.ts';

function renamed(list: unknown, from: string, to: string | null): string[] | null {
  const names = (list as string[] | null) ?? [];
  if (!names.includes(from)) return null;
  return to === null ? names.filter((n) => n !== from) : names.map((n) => (n === from ? to : n)).sort();
}

export function registerResourceRoutes(routes: RouteTable, deps: ControlDeps): void {
  registerObjectRoutes(routes, deps, model.backend, {
    extra: (_row, locked) => ({ locked }),
    async beforeWrite(tx, row, previousName, token) {
      await requireFreeVclName(tx, 'backend', row, previousName);
      if (typeof row.data.share_key === 'string') await checkShareKey(tx, token, row.serviceId, row.data.share_key, 'share_key');
      if (typeof row.data.shield === 'string') await checkShieldPop(tx, row.data.shield);
      await requireConditions(tx, row, ['request_condition'], { request_condition: ['REQUEST'] });
    },
    async afterWrite(tx, row, previousName) {
      if (previousName === null || previousName === row.name) return;
      await rewriteReferences(tx, row, 'director', (d) => withBackends(d, renamed(d.backends, previousName, row.name)));
    },
    async afterDelete(tx, serviceId, version, name) {
      await rewriteReferences(tx, { serviceId, version }, 'director', (d) => withBackends(d, renamed(d.backends, name, null)));
    },
  });
  registerObjectRoutes(routes, deps, model.healthcheck, {
    async afterWrite(tx, row, previousName) {
      if (previousName === null || previousName === row.name) return;
      await rewriteReferences(tx, row, 'backend', (b) => (b.healthcheck === previousName ? { ...b, healthcheck: row.name } : null));
    },
  });
  registerObjectRoutes(routes, deps, model.director, { beforeWrite: (tx, row, previousName) => requireFreeVclName(tx, 'director', row, previousName) });
  registerObjectRoutes(routes, deps, model.domain);
  registerObjectRoutes(routes, deps, model.vcl, { afterWrite: keepOneMain });
}

/**
 * Refuses a backend or director whose VCL name another one of the version already has
 * (`a-b` and `a_b` are both `F_a_b`): the version could never compile. 409 Duplicate record,
 * as Fastly answers a name that is taken (DESIGN.md §4.2): the VCL name is the name the
 * object has where it runs, and it is taken; nothing is wrong with the value on its own,
 * which is what a 400 says.
 */
async function requireFreeVclName(tx: StoreTx, kind: NamedKind, row: NewObjectRow, previousName: string | null): Promise<void> {
  const others = [
    ...(await tx.listObjects(row.serviceId, row.version, 'backend')).map((o) => ({ kind: 'backend' as const, name: o.name })),
    ...(await tx.listObjects(row.serviceId, row.version, 'director')).map((o) => ({ kind: 'director' as const, name: o.name })),
  ].filter((o) => !(o.kind === kind && o.name === previousName)); // a rename frees the old name
  const holder = vclNameClash({ kind, name: row.name }, others);
  if (holder === null) return;
  throw new ApiError('duplicate',
    `${kind} '${row.name}' would have the VCL name ${vclNameOf(kind, row.name)}, which ${describeHolder(holder)} already has in version ${row.version}`);
}

function withBackends(d: ApiRecord, backends: string[] | null): ApiRecord | null {
  return backends === null ? null : { ...d, backends };
}

/** Marking one VCL main unmarks the others (Fastly: PUT …/vcl/{name}/main). */
export async function keepOneMain(tx: StoreTx, row: NewObjectRow): Promise<void> {
  if (row.data.main !== true) return;
  await rewriteReferences(tx, row, 'vcl', (v) => (v.name !== row.name && v.main === true ? { ...v, main: false } : null));
}
