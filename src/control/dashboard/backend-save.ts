// Saving the backend form: one backend (and the healthcheck it names) written into the draft
// version of every service it is used by. The API has one transaction per call, so a save is
// several calls; each successful call records how to undo it, and when any call fails every
// earlier one is undone, so a form with a wrong field saves nothing. Both
// objects of a service are written even when the first fails, so all field errors show at once.
import { randomBytes } from 'node:crypto';
import { apiPath, ApiFailure, fieldErrors, type ApiClient } from './api-client.ts';
import { BACKEND_API_FIELDS, HEALTHCHECK_API_FIELDS, hasHealthcheck, payload, type FormValues } from './backend-fields.ts';
import { ensureDraft, getService, listObjects, type ApiObject, type ServiceInfo } from './data.ts';

export interface SaveRequest {
  readonly values: FormValues;
  /** Services that should have this backend after the save (the first one is the page's). */
  readonly usedBy: readonly string[];
  /** The backend's name before the edit; null when adding. */
  readonly original: string | null;
  /** Services that had it before the edit (a shared backend); they lose it when not in usedBy. */
  readonly previouslyIn: readonly string[];
}

export interface SavedDraft {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly version: number;
  readonly cloned: boolean;
  readonly action: 'created' | 'updated' | 'deleted';
}

export type SaveResult =
  | { readonly ok: true; readonly drafts: readonly SavedDraft[] }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

type Undo = () => Promise<unknown>;

/** Alphanumeric, as `share_key` requires. */
export function newShareKey(): string {
  return `shared${randomBytes(8).toString('hex')}`;
}

export async function saveBackend(api: ApiClient, req: SaveRequest): Promise<SaveResult> {
  const values = { ...req.values };
  if (values.share_key === '' && req.usedBy.length > 1) values.share_key = newShareKey();
  const undo: Undo[] = [];
  const drafts: SavedDraft[] = [];
  const targets = [...req.usedBy, ...req.previouslyIn.filter((s) => !req.usedBy.includes(s))];
  for (const sid of targets) {
    let errors: Record<string, string>;
    try {
      const service = await getService(api, sid);
      const draft = await ensureDraft(api, service);
      const base = { serviceId: sid, serviceName: service.name, version: draft.number, cloned: draft.cloned };
      if (!req.usedBy.includes(sid)) {
        await removeFrom(api, sid, draft.number, String(req.original), undo);
        drafts.push({ ...base, action: 'deleted' });
        continue;
      }
      const existing = req.original === null ? null : await find(api, sid, draft.number, 'backend', req.original);
      errors = await writeOne(api, service, draft.number, values, existing, undo);
      if (Object.keys(errors).length === 0) {
        drafts.push({ ...base, action: existing === null ? 'created' : 'updated' });
        continue;
      }
      if (sid !== req.usedBy[0]) errors = { '': `In service ${service.name}: ${Object.values(errors).join('; ')}` };
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      errors = { '': err.message };
    }
    for (const step of undo.reverse()) await step().catch(() => undefined);
    return { ok: false, errors };
  }
  return { ok: true, drafts };
}

async function find(api: ApiClient, sid: string, version: number, kind: 'backend' | 'healthcheck', name: string): Promise<ApiObject | null> {
  const res = await api.request('GET', apiPath('service', sid, 'version', version, kind, name));
  if (res.status === 404) return null;
  if (res.status >= 300) throw new ApiFailure(res.status, res.body);
  return res.body as ApiObject;
}

/** Writes the backend and its healthcheck into one draft; returns form errors (empty: saved). */
async function writeOne(api: ApiClient, service: ServiceInfo, version: number, values: FormValues, existing: ApiObject | null,
  undo: Undo[]): Promise<Record<string, string>> {
  const base = ['service', service.id, 'version', version] as const;
  const errors: Record<string, string> = {};
  const backendBody = payload(values, 'backend');
  const currentHc = existing?.healthcheck;
  const hcName = typeof currentHc === 'string' ? currentHc : values.name;
  backendBody.healthcheck = hasHealthcheck(values) ? hcName : '';

  if (hasHealthcheck(values)) {
    const previous = await find(api, service.id, version, 'healthcheck', hcName);
    const res = previous === null
      ? await api.request('POST', apiPath(...base, 'healthcheck'), { ...payload(values, 'healthcheck'), name: hcName })
      : await api.request('PUT', apiPath(...base, 'healthcheck', hcName), payload(values, 'healthcheck'));
    if (res.status < 300) {
      undo.push(previous === null
        ? () => api.request('DELETE', apiPath(...base, 'healthcheck', hcName))
        : () => api.request('PUT', apiPath(...base, 'healthcheck', hcName), { ...previous }));
    } else {
      Object.assign(errors, failureErrors(res.status, res.body, HEALTHCHECK_API_FIELDS, (f) => `hc_${f}`));
    }
  }

  const res = existing === null
    ? await api.request('POST', apiPath(...base, 'backend'), backendBody)
    : await api.request('PUT', apiPath(...base, 'backend', existing.name), backendBody);
  if (res.status < 300) {
    const name = String((res.body as ApiObject).name);
    undo.push(existing === null
      ? () => api.request('DELETE', apiPath(...base, 'backend', name))
      : () => api.request('PUT', apiPath(...base, 'backend', name), { ...existing }));
  } else {
    Object.assign(errors, failureErrors(res.status, res.body, BACKEND_API_FIELDS, (f) => f));
  }
  return errors;
}

function failureErrors(status: number, body: unknown, known: ReadonlySet<string>, rename: (f: string) => string): Record<string, string> {
  const failure = new ApiFailure(status, body);
  // 409 Duplicate record: the name is taken in this version.
  if (status === 409) return { [rename('name')]: failure.detail ?? failure.msg };
  if (status === 400) return fieldErrors(failure.detail, known, rename);
  return { '': failure.message };
}

/** Removes a shared backend from a service that no longer uses it (its healthcheck stays). */
async function removeFrom(api: ApiClient, sid: string, version: number, name: string, undo: Undo[]): Promise<void> {
  const previous = await find(api, sid, version, 'backend', name);
  if (previous === null) return;
  await api.call('DELETE', apiPath('service', sid, 'version', version, 'backend', name));
  undo.push(() => api.request('POST', apiPath('service', sid, 'version', version, 'backend'), { ...previous }));
}

/**
 * The services whose working version has a backend of this name with the same explicit
 * share_key: the ones an edit of a shared backend reaches.
 */
export async function sharingServices(api: ApiClient, services: readonly ServiceInfo[], name: string, shareKey: string | null,
  versionOf: (s: ServiceInfo) => number | null): Promise<string[]> {
  if (shareKey === null) return [];
  const out: string[] = [];
  for (const s of services) {
    const v = versionOf(s);
    if (v === null) continue;
    const match = (await listObjects(api, s.id, v, 'backend')).find((b) => b.name === name && b.share_key === shareKey);
    if (match !== undefined) out.push(s.id);
  }
  return out;
}
