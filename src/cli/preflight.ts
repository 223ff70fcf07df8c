// `--autoclone` without leftovers. An edit of an active or locked version clones it first
// (target.ts); if the API then refused the edit, the clone stayed behind as a new, unchanged
// draft — and Fastly's API, which lacquer's follows, has no way to delete a version. So before
// cloning, the edit is checked against the version that would be cloned, which the clone
// copies exactly: the object must exist (update, delete) or not (create), and the fields must
// pass the very rules the API applies (src/model/api, the one declaration of each resource's
// fields; parseRecord is what the API's handler runs). An edit that fails these fails with
// the API's own message and status, and nothing is cloned.
//
// Locking the failed clone instead would still leave a version behind; validating after the
// clone cannot undo it. What this cannot see — a rule that depends on other objects, or a
// change made by someone else between the check and the edit — still fails after the clone;
// the error then says which version was created (command.ts).
import * as model from '../model/api/index.ts';
import type { Resource } from '../model/api/index.ts';
import { apiPath, type ApiClient } from './api-client.ts';
import { CliError } from './errors.ts';
import { API_ERRORS } from '../control/errors.ts';

const RESOURCES: Readonly<Record<string, Resource>> = {
  backend: model.backend, healthcheck: model.healthcheck, director: model.director, domain: model.domain, vcl: model.vcl,
  condition: model.condition, header: model.header, response_object: model.responseObject, request_settings: model.requestSettings,
  cache_settings: model.cacheSettings, gzip: model.gzip,
};

export type ObjectEdit =
  | { readonly verb: 'create'; readonly name: string; readonly form: Readonly<Record<string, unknown>> }
  | { readonly verb: 'update'; readonly name: string; readonly form: Readonly<Record<string, unknown>> }
  | { readonly verb: 'delete'; readonly name: string };

/** Checks an object edit against version `source` of the service; throws the API's error if it would be refused. */
export async function checkObjectEdit(client: ApiClient, serviceId: string, source: number, kind: string, edit: ObjectEdit): Promise<void> {
  const existing = await objectIn(client, serviceId, source, kind, edit.name);
  if (edit.verb === 'create' && existing !== null) {
    throw new CliError(API_ERRORS.duplicate.status, API_ERRORS.duplicate.msg, `${kind} '${edit.name}' already exists in version ${source}`);
  }
  if (edit.verb !== 'create' && existing === null) throw notFound(serviceId, source, kind, edit.name);
  const resource = RESOURCES[kind];
  if (edit.verb === 'delete' || resource === undefined) return;
  checkFields(resource, edit.verb === 'create' ? { name: edit.name, ...edit.form } : edit.form, existing);
}

/** Adding a backend to a director (or removing it) as the API's membership routes check it. */
export async function checkMembershipEdit(client: ApiClient, serviceId: string, source: number, change: 'add' | 'remove', director: string, backend: string): Promise<void> {
  const found = await objectIn(client, serviceId, source, 'director', director);
  if (found === null) throw notFound(serviceId, source, 'director', director);
  if (await objectIn(client, serviceId, source, 'backend', backend) === null) throw notFound(serviceId, source, 'backend', backend);
  const members = Array.isArray(found.backends) ? found.backends : [];
  if (change === 'add' && members.includes(backend)) {
    throw new CliError(API_ERRORS.duplicate.status, API_ERRORS.duplicate.msg, `backend '${backend}' is already in director '${director}'`);
  }
  if (change === 'remove' && !members.includes(backend)) {
    throw new CliError(API_ERRORS.notFound.status, API_ERRORS.notFound.msg, `backend '${backend}' is not in director '${director}'`);
  }
}

function notFound(serviceId: string, version: number, kind: string, name: string): CliError {
  return new CliError(API_ERRORS.notFound.status, API_ERRORS.notFound.msg, `Couldn't find ${kind} '${name}' in version ${version} of service '${serviceId}'`);
}

/** Checks a settings update against the settings of version `source`. */
export async function checkSettingsEdit(client: ApiClient, serviceId: string, source: number, form: Readonly<Record<string, unknown>>): Promise<void> {
  const current = await client.get<Record<string, unknown>>(apiPath('service', serviceId, 'version', source, 'settings'));
  checkFields(model.settings, form, current);
}

/** An activation of a clone of `source` fails exactly when `source`'s own validation does. */
export async function checkActivation(client: ApiClient, serviceId: string, source: number): Promise<void> {
  const v = await client.get<{ status: string; errors: string[] }>(apiPath('service', serviceId, 'version', source, 'validate'));
  if (v.status !== 'ok') throw new CliError(API_ERRORS.activationFailed.status, API_ERRORS.activationFailed.msg, v.errors.join('\n'), v.errors);
}

function checkFields(resource: Resource, body: Readonly<Record<string, unknown>>, previous: Record<string, unknown> | null): void {
  const parsed = model.parseRecord(resource, body, previous);
  if (!parsed.ok) throw new CliError(API_ERRORS.badRequest.status, API_ERRORS.badRequest.msg, parsed.errors.map((e) => e.message).join('; '));
}

async function objectIn(client: ApiClient, serviceId: string, version: number, kind: string, name: string): Promise<Record<string, unknown> | null> {
  try {
    return await client.get<Record<string, unknown>>(apiPath('service', serviceId, 'version', version, kind, name));
  } catch (err) {
    if (err instanceof CliError && err.status === 404) return null;
    throw err;
  }
}
