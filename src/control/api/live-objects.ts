// The versioned halves of the live data: snippet, dictionary and ACL objects inside a version,
// with Fastly's five routes each (./objects.ts). What is particular to them:
// - each has an id, given at creation and kept by clones (model/api/live.ts), which its
//   versionless half belongs to;
// - a dictionary's or ACL's VCL name (its name, spaces as `_`) is taken once per version, as a
//   backend's is: two of them would be one table twice, and the version could never compile;
// - a snippet's `dynamic` is fixed when it is created: Fastly keeps a dynamic snippet's content
//   outside the version, and turning one into the other would lose or orphan it;
// - a dynamic snippet created with content starts with that content live.
// Fastly shows a snippet's `priority` and `dynamic` as strings ("100", "1"), as its clients read them.
import { acl, dictionary, snippet, typedRecord, vclTableName } from '../../model/api/index.ts';
import type { NewObjectRow, ObjectKind, ObjectRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { snippetStrings } from '../present.ts';
import type { RouteTable } from '../routes.ts';
import type { ControlDeps } from './deps.ts';
import { registerObjectRoutes } from './objects.ts';

export function registerLiveObjectRoutes(routes: RouteTable, deps: ControlDeps): void {
  registerObjectRoutes(routes, deps, snippet, {
    extra: snippetExtra,
    async beforeWrite(tx, row, previousName) {
      if (previousName === null) return;
      const current = await tx.getObject(row.serviceId, row.version, 'snippet', previousName);
      if (current !== null && current.data.dynamic !== row.data.dynamic) {
        throw new ApiError('badRequest', 'dynamic: cannot change once the snippet exists; delete it and create it again');
      }
    },
    async afterWrite(tx, row) {
      const s = typedRecord(snippet, row.data);
      if (s.dynamic !== 1 || s.id === null) return;
      if (await tx.getDynamicSnippet(row.serviceId, s.id) !== null) return;
      await tx.putDynamicSnippet({ serviceId: row.serviceId, snippetId: s.id, content: s.content, createdAt: row.createdAt, updatedAt: row.updatedAt });
    },
  });
  registerObjectRoutes(routes, deps, dictionary, { beforeWrite: (tx, row, previousName) => requireFreeTableName(tx, 'dictionary', row, previousName) });
  registerObjectRoutes(routes, deps, acl, { beforeWrite: (tx, row, previousName) => requireFreeTableName(tx, 'acl', row, previousName) });
}

function snippetExtra(row: ObjectRow): Record<string, unknown> {
  return snippetStrings(row.data);
}

/** 409 when another dictionary (or ACL) of the version has the same VCL name. */
async function requireFreeTableName(tx: StoreTx, kind: ObjectKind, row: NewObjectRow, previousName: string | null): Promise<void> {
  const name = vclTableName(String(row.data.name));
  const clash = (await tx.listObjects(row.serviceId, row.version, kind))
    .find((o) => o.name !== previousName && vclTableName(o.name) === name);
  if (clash === undefined) return;
  throw new ApiError('duplicate', `${kind} '${row.data.name}' would have the VCL name ${name}, which ${kind} '${clash.name}' already has in version ${row.version}`);
}
