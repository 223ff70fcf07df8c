// Versions: https://www.fastly.com/documentation/reference/api/services/version/
import { Type } from '@sinclair/typebox';
import { parseRecord, requestSchema, responseSchema, settings, version } from '../../model/api/index.ts';
import { SETTINGS_NAME, settingsBody, versionBody } from '../present.ts';
import type { StoreTx, TokenRow, VersionRow } from '../../store/index.ts';
import type { RouteTable } from '../routes.ts';
import {
  activateVersion, cloneVersion, createVersion, deactivateVersion, lockVersion, now, parseVersionNumber, requireEditable,
  requireService, requireVersion, validateBody, validateVersion,
} from '../versions.ts';
import { versionVcl } from '../version-vcl.ts';
import { withDynamicSnippets } from '../live-vcl.ts';
import type { ControlDeps } from './deps.ts';
import { badRequest } from './objects.ts';

const VersionBody = Type.Object({
  number: Type.Integer(), service_id: Type.String(), active: Type.Boolean(), locked: Type.Boolean(), deployed: Type.Boolean(),
  staging: Type.Boolean(), testing: Type.Boolean(), comment: Type.String(), created_at: Type.String(), updated_at: Type.String(), deleted_at: Type.Null(),
});
const ActivateBody = Type.Composite([VersionBody, Type.Object({ warnings: Type.Array(Type.String()) })]);
const ValidateBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]), msg: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(Type.String()), warnings: Type.Array(Type.String()), messages: Type.Array(Type.String()),
  default_backend: Type.Union([Type.String(), Type.Null()]),
});
const GeneratedVclBody = Type.Object({ name: Type.String(), main: Type.Boolean(), content: Type.String(), service_id: Type.String(), version: Type.Integer() });

export function registerVersionRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store, validator } = deps;
  const base = '/service/:service_id/version';

  routes.add({ method: 'GET', url: base, summary: 'List versions', tag: 'version', access: 'read', response: Type.Array(VersionBody) }, async ({ params }) =>
    store.transaction(async (tx) => {
      await requireService(tx, params.service_id);
      return (await tx.listVersions(params.service_id)).map(versionBody);
    }));

  routes.add({ method: 'POST', url: base, summary: 'Create an empty version', tag: 'version', access: 'write', body: requestSchema(version), response: VersionBody }, async ({ params, body }) =>
    store.transaction(async (tx) => {
      await requireService(tx, params.service_id);
      const parsed = parseRecord(version, body, null);
      if (!parsed.ok) throw badRequest(parsed.errors);
      return versionBody(await createVersion(tx, params.service_id, (parsed.record.comment as string | null) ?? null));
    }));

  routes.add({ method: 'GET', url: `${base}/:version_id`, summary: 'Describe a version', tag: 'version', access: 'read', response: VersionBody }, async ({ params }) =>
    store.transaction(async (tx) => versionBody(await requireVersion(tx, params.service_id, parseVersionNumber(params.version_id)))));

  // The comment is metadata, not configuration: Fastly lets it change on locked versions too.
  routes.add({ method: 'PUT', url: `${base}/:version_id`, summary: 'Update a version\'s comment', tag: 'version', access: 'write', body: requestSchema(version), response: VersionBody }, async ({ params, body }) =>
    store.transaction(async (tx) => {
      const v = await requireVersion(tx, params.service_id, parseVersionNumber(params.version_id));
      const parsed = parseRecord(version, body, { comment: v.comment });
      if (!parsed.ok) throw badRequest(parsed.errors);
      const patch = { comment: (parsed.record.comment as string | null) ?? null, updatedAt: now() };
      await tx.updateVersion(v.serviceId, v.number, patch);
      return versionBody({ ...v, ...patch });
    }));

  const action = (name: string, summary: string, run: (tx: StoreTx, sid: string, v: number, token: TokenRow | null) => Promise<VersionRow>): void => {
    routes.add({ method: 'PUT', url: `${base}/:version_id/${name}`, summary, tag: 'version', access: 'write', response: VersionBody }, async ({ params, token }) =>
      store.transaction(async (tx) => versionBody(await run(tx, params.service_id, parseVersionNumber(params.version_id), token))));
  };
  action('clone', 'Clone a version into a new editable version', cloneVersion);
  // lacquer adds `warnings` (what validate warns about, e.g. a version without a domain) to
  // Fastly's version body, so an activation that will serve nothing says so; the Fastly
  // clients read the fields they know and ignore it.
  routes.add({ method: 'PUT', url: `${base}/:version_id/activate`, summary: 'Generate, compile and activate a version', tag: 'version', access: 'write', response: ActivateBody }, async ({ params, token }) =>
    store.transaction(async (tx) => {
      const { version: row, warnings } = await activateVersion(tx, params.service_id, parseVersionNumber(params.version_id), validator, token);
      return { ...versionBody(row), warnings };
    }));
  action('deactivate', 'Deactivate a version', deactivateVersion);
  action('lock', 'Lock a version against edits', lockVersion);

  routes.add({ method: 'GET', url: `${base}/:version_id/validate`, summary: 'Generate and compile a version without activating it', tag: 'version', access: 'read', response: ValidateBody }, async ({ params }) =>
    store.transaction(async (tx) => {
      const v = parseVersionNumber(params.version_id);
      await requireVersion(tx, params.service_id, v);
      return validateBody(await validateVersion(tx, params.service_id, v, validator));
    }));

  routes.add({ method: 'GET', url: `${base}/:version_id/generated_vcl`, summary: 'The VCL this version runs (stored at activation)', tag: 'version', access: 'read', response: GeneratedVclBody }, async ({ params }) =>
    store.transaction(async (tx) => {
      const v = parseVersionNumber(params.version_id);
      await requireVersion(tx, params.service_id, v);
      // The stored VCL once the version has been activated, else what activating it would store.
      // With each dynamic snippet's live content in its place: what runs now (../live-vcl.ts).
      const { files } = await withDynamicSnippets(tx, params.service_id, await versionVcl(tx, params.service_id, v));
      const main = files[0];
      return { name: main.name, main: true, content: main.content, service_id: params.service_id, version: v };
    }));

  routes.add({ method: 'GET', url: `${base}/:version_id/settings`, summary: 'Get the version\'s settings', tag: 'settings', access: 'read', response: responseSchema(settings) }, async ({ params }) =>
    store.transaction(async (tx) => {
      const v = parseVersionNumber(params.version_id);
      await requireVersion(tx, params.service_id, v);
      return settingsBody(tx, params.service_id, v);
    }));

  routes.add({ method: 'PUT', url: `${base}/:version_id/settings`, summary: 'Update the version\'s settings', tag: 'settings', access: 'write', body: requestSchema(settings), response: responseSchema(settings) }, async ({ params, body }) =>
    store.transaction(async (tx) => {
      const v = parseVersionNumber(params.version_id);
      await requireEditable(tx, params.service_id, v);
      const current = await settingsBody(tx, params.service_id, v);
      const parsed = parseRecord(settings, body, Object.fromEntries(Object.keys(settings.fields).map((k) => [k, current[k]])));
      if (!parsed.ok) throw badRequest(parsed.errors);
      const at = now();
      const existing = await tx.getObject(params.service_id, v, 'settings', SETTINGS_NAME);
      const row = { serviceId: params.service_id, version: v, kind: 'settings' as const, name: SETTINGS_NAME, data: parsed.record, createdAt: existing?.createdAt ?? at, updatedAt: at };
      if (existing === null) await tx.insertObject(row);
      else await tx.replaceObject(SETTINGS_NAME, row);
      return settingsBody(tx, params.service_id, v);
    }));
}
