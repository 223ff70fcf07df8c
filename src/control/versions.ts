// Version lifecycle. A version is editable until it is activated or locked; activation locks
// it. One version per service is active. Activation compiles the version's VCL through the
// injected validator and refuses on any error, refuses when a domain is already active in
// another service, and stores the VCL with the version (./version-vcl.ts).
import { randomBytes } from 'node:crypto';
import { defaultBackendName } from '../model/default-backend.ts';
import { vclTableName } from '../model/api/index.ts';
import type { StoreTx, TokenRow, VersionRow } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { checkShareKeys, type SharingBackend } from './share-key.ts';
import { now } from './time.ts';
import { formatDiagnostic, whereWritten, type VclDiagnostic, type VclValidator } from './validator.ts';
import { loadConfig, storeVersionVcl, versionVcl, type VersionVcl } from './version-vcl.ts';
import { withDynamicSnippets } from './live-vcl.ts';

export { loadConfig } from './version-vcl.ts';

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Fastly-style 22-character alphanumeric service id. */
export function newServiceId(): string {
  const bytes = randomBytes(22);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

export { now } from './time.ts';

export function parseVersionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new ApiError('badRequest', `version: must be a positive integer, got "${raw}"`);
  return Number(raw);
}

export async function requireService(tx: StoreTx, serviceId: string): Promise<void> {
  if (await tx.getService(serviceId) === null) throw new ApiError('notFound', `Couldn't find service '${serviceId}'`);
}

export async function requireVersion(tx: StoreTx, serviceId: string, number: number): Promise<VersionRow> {
  await requireService(tx, serviceId);
  const v = await tx.getVersion(serviceId, number);
  if (v === null) throw new ApiError('notFound', `Couldn't find version ${number} of service '${serviceId}'`);
  return v;
}

export async function requireEditable(tx: StoreTx, serviceId: string, number: number): Promise<VersionRow> {
  const v = await requireVersion(tx, serviceId, number);
  if (v.active) throw new ApiError('locked', `version ${number} of service '${serviceId}' is active and cannot be edited; clone it`);
  if (v.locked) throw new ApiError('locked', `version ${number} of service '${serviceId}' is locked and cannot be edited; clone it`);
  return v;
}

export async function nextVersionNumber(tx: StoreTx, serviceId: string): Promise<number> {
  const versions = await tx.listVersions(serviceId);
  return versions.length === 0 ? 1 : versions[versions.length - 1].number + 1;
}

export async function createVersion(tx: StoreTx, serviceId: string, comment: string | null): Promise<VersionRow> {
  const at = now();
  const row: VersionRow = { serviceId, number: await nextVersionNumber(tx, serviceId), active: false, locked: false, comment, createdAt: at, updatedAt: at };
  await tx.insertVersion(row);
  return row;
}

export async function cloneVersion(tx: StoreTx, serviceId: string, from: number): Promise<VersionRow> {
  const source = await requireVersion(tx, serviceId, from);
  const row = await createVersion(tx, serviceId, source.comment);
  await tx.copyObjects(serviceId, from, row.number, row.createdAt);
  return row;
}

export interface ValidationResult {
  /** What activating the version stores: the stored VCL once it has been activated (dynamic snippets as markers: ./live-vcl.ts). */
  readonly vcl: VersionVcl;
  /** The API name of the backend that serves what nothing routes elsewhere (model/default-backend.ts). */
  readonly defaultBackend: string | null;
  /** The API names of the version's backends in the order they were added: the order the default rule reads. */
  readonly backendOrder: readonly string[];
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly diagnostics: readonly VclDiagnostic[];
  /** The backends the compiled version declares, with their share keys. */
  readonly backends: readonly SharingBackend[];
}

/**
 * Generates (or reads the stored VCL of) a version and compiles it with its dynamic snippets'
 * live content, or `snippet`'s content instead of one of them (a content checked before it is
 * stored: src/control/api/dynamic-snippets.ts).
 */
export async function validateVersion(tx: StoreTx, serviceId: string, version: number, validator: VclValidator,
  snippet: { readonly snippetId: string; readonly content: string } | null = null): Promise<ValidationResult> {
  const config = await loadConfig(tx, serviceId, version);
  const vcl = await versionVcl(tx, serviceId, version, config);
  const running = await withDynamicSnippets(tx, serviceId, vcl, snippet);
  const defaultBackend = defaultBackendName(config.backends);
  const errors = vcl.problems.map((p) => `${p.code}: ${p.message}`);
  const compiled = errors.length === 0 ? validator(running.files) : { diagnostics: [], backends: [] };
  const mainName = vcl.files[0]?.name ?? '';
  // A dictionary or ACL that no VCL reads yet is not a mistake worth a warning: Fastly declares
  // every one in its generated VCL whether used or not (src/model/generate-live.ts).
  const declared = new Set([...(config.dictionaries ?? []), ...(config.acls ?? [])].map((o) => vclTableName(o.name)));
  const unusedLive = (d: VclDiagnostic): boolean => {
    const m = /^(?:table|acl) (\S+) is declared but never used$/.exec(d.message);
    return d.code === 'ref/unused' && m !== null && declared.has(m[1]);
  };
  const diagnostics = compiled.diagnostics.map((d) => whereWritten(d, mainName, running.mainLines)).filter((d) => !unusedLive(d));
  errors.push(...diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
  const warnings = diagnostics.filter((d) => d.severity !== 'error').map(formatDiagnostic);
  // A service is found by the Host header among its active version's domains (DESIGN.md §4.4).
  if ((await tx.listObjects(serviceId, version, 'domain')).length === 0) {
    warnings.unshift(`no-domain: version ${version} has no domain: once active it receives no traffic`);
  }
  const backendOrder = config.backends.map((b) => b.name);
  return { vcl, defaultBackend, backendOrder, errors, warnings, diagnostics, backends: compiled.backends ?? [] };
}

/** The `GET …/validate` body; the Fastly CLI needs an object with these fields. */
export function validateBody(r: ValidationResult): Record<string, unknown> {
  const ok = r.errors.length === 0;
  return {
    status: ok ? 'ok' : 'error',
    msg: ok ? null : `${r.errors.length} error${r.errors.length === 1 ? '' : 's'} in the generated VCL`,
    errors: r.errors, warnings: r.warnings, messages: [...r.errors, ...r.warnings],
    // lacquer's own fields: which backend serves requests nothing routes elsewhere, and the
    // order backends were added in, which decides it (src/model/default-backend.ts).
    default_backend: r.defaultBackend,
    backend_order: r.backendOrder,
  };
}

/** An activated version and the warnings its validation gave (shown by the API and the CLI). */
export interface Activation {
  readonly version: VersionRow;
  readonly warnings: readonly string[];
}

export async function activateVersion(tx: StoreTx, serviceId: string, number: number, validator: VclValidator, token: TokenRow | null): Promise<Activation> {
  const target = await requireVersion(tx, serviceId, number);
  const result = await validateVersion(tx, serviceId, number, validator);
  if (result.errors.length > 0) {
    throw new ApiError('activationFailed', result.errors.join('\n'), { errors: result.errors, warnings: result.warnings });
  }
  await checkShareKeys(tx, token, serviceId, result.backends);
  for (const domain of await tx.listObjects(serviceId, number, 'domain')) {
    const others = (await tx.servicesWithActiveDomain(domain.name)).filter((id) => id !== serviceId);
    if (others.length > 0) {
      throw new ApiError('domainConflict', `domain '${domain.name}' is active in service '${others[0]}'; it cannot also be activated in service '${serviceId}'`);
    }
  }
  const at = now();
  if (!result.vcl.stored) await storeVersionVcl(tx, serviceId, number, result.vcl.files, at);
  for (const v of await tx.listVersions(serviceId)) {
    if (v.active && v.number !== number) await tx.updateVersion(serviceId, v.number, { active: false, updatedAt: at });
  }
  await tx.updateVersion(serviceId, number, { active: true, locked: true, updatedAt: at });
  // One event for a replacement: the version it replaces stops being active in the same step.
  // DESIGN.md §4.4: "a request sees the old version or the new one, never neither".
  tx.publish({ type: 'activated', serviceId, version: number });
  return { version: { ...target, active: true, locked: true, updatedAt: at }, warnings: result.warnings };
}

export async function deactivateVersion(tx: StoreTx, serviceId: string, number: number): Promise<VersionRow> {
  const v = await requireVersion(tx, serviceId, number);
  if (!v.active) return v;
  const at = now();
  await tx.updateVersion(serviceId, number, { active: false, updatedAt: at });
  tx.publish({ type: 'deactivated', serviceId, version: number });
  return { ...v, active: false, updatedAt: at };
}

export async function lockVersion(tx: StoreTx, serviceId: string, number: number): Promise<VersionRow> {
  const v = await requireVersion(tx, serviceId, number);
  const at = now();
  await tx.updateVersion(serviceId, number, { locked: true, updatedAt: at });
  return { ...v, locked: true, updatedAt: at };
}
