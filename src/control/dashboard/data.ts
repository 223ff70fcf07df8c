// What the pages read from the control API, and the draft-version rule: edits go to the
// newest version that is neither active nor locked and is newer than the active one; when
// there is none, the active version (else the newest) is cloned (Fastly's "clone to edit").
import { backendVclName } from '../../model/generate.ts';
import type { ObjectKind } from '../../store/index.ts';
import { apiPath, ApiFailure, type ApiClient } from './api-client.ts';

export interface VersionInfo {
  readonly number: number;
  readonly active: boolean;
  readonly locked: boolean;
  readonly comment: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ServiceInfo {
  readonly id: string;
  readonly name: string;
  readonly comment: string;
  /** The active version number, or null. */
  readonly version: number | null;
  readonly versions: readonly VersionInfo[];
}

/** A backend, healthcheck, domain or VCL object as the API returns it. */
export type ApiObject = Readonly<Record<string, unknown>> & { readonly name: string };

export interface HealthEntry {
  readonly name: string;
  readonly pop: string;
  readonly identity: string;
  readonly admin: string;
  readonly healthy: boolean;
  /** The POP has not summarised its health lately (DESIGN.md §4.6): its last state, never healthy. */
  readonly stale?: boolean;
  readonly good: number;
  readonly threshold: number;
  readonly window: number;
  readonly bits: Readonly<Record<string, string>>;
  readonly last_change: string;
  readonly last_response: string;
  readonly avg_rtt_ms: number;
}

export function activeVersion(s: ServiceInfo): VersionInfo | null {
  return s.versions.find((v) => v.active) ?? null;
}

export function draftVersion(s: ServiceInfo): VersionInfo | null {
  const active = activeVersion(s)?.number ?? 0;
  const drafts = s.versions.filter((v) => !v.active && !v.locked && v.number > active);
  return drafts.length === 0 ? null : drafts[drafts.length - 1];
}

/** The version the pages show and edit: the draft, else the active one, else the newest. */
export function workingVersion(s: ServiceInfo): VersionInfo | null {
  return draftVersion(s) ?? activeVersion(s) ?? s.versions[s.versions.length - 1] ?? null;
}

export function getService(api: ApiClient, sid: string): Promise<ServiceInfo> {
  return api.get<ServiceInfo>(apiPath('service', sid));
}

export function listServices(api: ApiClient): Promise<ServiceInfo[]> {
  return api.get<ServiceInfo[]>('/service');
}

/** The draft's number, cloning the active (else newest) version when there is no draft. */
export async function ensureDraft(api: ApiClient, s: ServiceInfo): Promise<{ number: number; cloned: boolean }> {
  const draft = draftVersion(s);
  if (draft !== null) return { number: draft.number, cloned: false };
  const base = activeVersion(s) ?? s.versions[s.versions.length - 1];
  const made = await api.call<VersionInfo>('PUT', apiPath('service', s.id, 'version', base.number, 'clone'));
  return { number: made.number, cloned: true };
}

export function listObjects(api: ApiClient, sid: string, version: number, kind: ObjectKind): Promise<ApiObject[]> {
  return api.get<ApiObject[]>(apiPath('service', sid, 'version', version, kind));
}

export function versionSettings(api: ApiClient, sid: string, version: number): Promise<Record<string, unknown>> {
  return api.get<Record<string, unknown>>(apiPath('service', sid, 'version', version, 'settings'));
}

/** `GET …/validate`: what activating the version would refuse (errors) or warn about. */
export interface Validation {
  readonly status: string;
  readonly msg: string | null;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** The API name of the backend that serves what nothing routes elsewhere (src/model/default-backend.ts). */
  readonly default_backend: string | null;
  /** The backends' API names in the order they were added: the order the default rule reads. */
  readonly backend_order: readonly string[];
}

export function validateVersion(api: ApiClient, sid: string, version: number): Promise<Validation> {
  return api.get<Validation>(apiPath('service', sid, 'version', version, 'validate'));
}

/** Health entries of a service, or null when this process runs no health engine (role control). */
export async function serviceHealth(api: ApiClient, sid: string): Promise<HealthEntry[] | null> {
  try {
    return (await api.get<{ backends: HealthEntry[] }>(apiPath('service', sid, 'health'))).backends;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return null;
    throw err;
  }
}

/** Each POP's entry for one API backend (health names are VCL names, `F_…`). */
export function healthOf(entries: readonly HealthEntry[] | null, backendName: string): HealthEntry[] {
  const vclName = backendVclName(backendName);
  return (entries ?? []).filter((e) => e.name === vclName);
}

export async function egressRanges(api: ApiClient): Promise<string[]> {
  return api.get<string[]>('/v2/companies/ipranges');
}

export { backendVclName };
