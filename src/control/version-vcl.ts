// What a version runs. DESIGN.md §1: activation generates, checks and compiles the VCL once,
// and the generated VCL is stored with the version, so what an active version runs never
// changes afterwards, whatever later lacquer releases generate from the same objects. Before
// activation (an editable version, or one locked without being activated) the VCL is what
// generation makes of the version's objects now.
import {
  acl, backend, cacheSettings, condition, dictionary, director, gzip, header, healthcheck, requestSettings, responseObject, settings, snippet,
  typedRecord, vcl, type ResourceBase, type SettingsRecord,
} from '../model/api/index.ts';
import { generateVcl, type GenerationProblem, type VclFile, type VersionConfig } from '../model/generate.ts';
import type { ObjectKind, StoreTx } from '../store/index.ts';
import { SETTINGS_NAME } from './present.ts';
import { now } from './time.ts';

/** The version's objects as the generator's typed records, each list in the order the objects were added. */
export async function loadConfig(tx: StoreTx, serviceId: string, version: number): Promise<VersionConfig> {
  const records = async <R extends ResourceBase>(kind: ObjectKind, resource: R) =>
    (await tx.listObjects(serviceId, version, kind)).sort((a, b) => a.seq - b.seq || (a.name < b.name ? -1 : 1))
      .map((row) => typedRecord(resource, row.data));
  return {
    serviceId, version,
    backends: await records('backend', backend), healthchecks: await records('healthcheck', healthcheck),
    directors: await records('director', director), vcls: await records('vcl', vcl),
    settings: await loadSettings(tx, serviceId, version),
    conditions: await records('condition', condition), headers: await records('header', header),
    responseObjects: await records('response_object', responseObject), requestSettings: await records('request_settings', requestSettings),
    cacheSettings: await records('cache_settings', cacheSettings), gzips: await records('gzip', gzip),
    snippets: await records('snippet', snippet), dictionaries: await records('dictionary', dictionary), acls: await records('acl', acl),
  };
}

/** The version's settings, defaults filled in. */
export async function loadSettings(tx: StoreTx, serviceId: string, version: number): Promise<SettingsRecord> {
  const row = await tx.getObject(serviceId, version, 'settings', SETTINGS_NAME);
  return typedRecord(settings, row?.data ?? {});
}

export interface VersionVcl {
  /** The main file first. */
  readonly files: readonly VclFile[];
  /** What generation found wrong; none for stored VCL, which compiled when it was stored. */
  readonly problems: readonly GenerationProblem[];
  /** True when this is the VCL stored with the version at activation. */
  readonly stored: boolean;
  /** Where each line of the main file was written (GeneratedVcl.mainLines), when that is known. */
  readonly mainLines: readonly number[] | null;
}

/**
 * The version's VCL: the stored one, else what generation makes of its objects. An active
 * version without stored VCL was activated by a release that did not store it; what it runs
 * is what generation makes now, which is stored here, the first time it is needed, so it
 * never changes afterwards. `config` is the version's loaded config, when the caller has it.
 */
export async function versionVcl(tx: StoreTx, serviceId: string, version: number, config: VersionConfig | null = null): Promise<VersionVcl> {
  const stored = await tx.getVersionVcl(serviceId, version);
  if (stored !== null) {
    // The stored text was generated from these objects; a later release may generate other text,
    // and then which line was whose is no longer known.
    const again = config === null ? null : generateVcl(config);
    const same = again !== null && again.files[0]?.content === stored.files[0]?.content;
    return { files: stored.files, problems: [], stored: true, mainLines: same ? again.mainLines : null };
  }
  const generated = generateVcl(config ?? await loadConfig(tx, serviceId, version));
  if ((await tx.getVersion(serviceId, version))?.active === true) {
    await storeVersionVcl(tx, serviceId, version, generated.files, now());
    return { files: generated.files, problems: [], stored: true, mainLines: generated.mainLines };
  }
  return { files: generated.files, problems: generated.problems, stored: false, mainLines: generated.mainLines };
}

/** Stores `files` as the version's VCL, unless it has one already (that one stays). */
export async function storeVersionVcl(tx: StoreTx, serviceId: string, version: number, files: readonly VclFile[], at: string): Promise<void> {
  await tx.insertVersionVcl(serviceId, version, { files: files.map((f) => ({ name: f.name, content: f.content, main: f.main })), storedAt: at });
}
