// The version-scoped resources and the references between them: a backend names its
// healthcheck, a director lists its backends, one VCL file is main.
import * as model from '../../model/api/index.ts';
import type { ApiRecord } from '../../model/api/index.ts';
import type { NewObjectRow, StoreTx } from '../../store/index.ts';
import type { RouteTable } from '../routes.ts';
import type { ControlDeps } from './deps.ts';
import { registerObjectRoutes, rewriteReferences } from './objects.ts';

function renamed(list: unknown, from: string, to: string | null): string[] | null {
  const names = (list as string[] | null) ?? [];
  if (!names.includes(from)) return null;
  return to === null ? names.filter((n) => n !== from) : names.map((n) => (n === from ? to : n)).sort();
}

export function registerResourceRoutes(routes: RouteTable, deps: ControlDeps): void {
  registerObjectRoutes(routes, deps, model.backend, {
    extra: (_row, locked) => ({ locked }),
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
  registerObjectRoutes(routes, deps, model.director);
  registerObjectRoutes(routes, deps, model.domain);
  registerObjectRoutes(routes, deps, model.vcl, { afterWrite: keepOneMain });
}

function withBackends(d: ApiRecord, backends: string[] | null): ApiRecord | null {
  return backends === null ? null : { ...d, backends };
}

/** Marking one VCL main unmarks the others (Fastly: PUT …/vcl/{name}/main). */
export async function keepOneMain(tx: StoreTx, row: NewObjectRow): Promise<void> {
  if (row.data.main !== true) return;
  await rewriteReferences(tx, row, 'vcl', (v) => (v.name !== row.name && v.main === true ? { ...v, main: false } : null));
}
