// What activation publishes to the POPs: a service's active version as a ServiceSource (the
// VCL that runs, its domains and settings). DESIGN.md §1: "published through the Store".
// The VCL is the one stored with the version at activation (./version-vcl.ts).

import type { ServiceSettings, ServiceSource } from '../vcl/index.ts';
import type { Store, StoreTx } from '../store/index.ts';
import { loadSettings, versionVcl } from './version-vcl.ts';
import { backendVclName } from '../model/vcl-names.ts';
import { liveAcls, liveTables, withDynamicSnippets } from './live-vcl.ts';
import { loadLoggingEndpoints } from './logging-config.ts';

/** The source of one version of a service (normally its active one). */
export async function serviceSource(tx: StoreTx, serviceId: string, version: number): Promise<ServiceSource> {
  // The stored VCL with each dynamic snippet's live content, and the live items and entries
  // of its dictionaries and ACLs (./live-vcl.ts): versionless data is published with it.
  const { files } = await withDynamicSnippets(tx, serviceId, await versionVcl(tx, serviceId, version));
  const main = files.find((f) => f.main) ?? files[0];
  const domains = (await tx.listObjects(serviceId, version, 'domain')).map((d) => d.name);
  const s = await loadSettings(tx, serviceId, version);
  const settings: ServiceSettings = {
    defaultTtl: s['general.default_ttl'],
    staleIfError: s['general.stale_if_error'],
    staleIfErrorTtl: s['general.stale_if_error_ttl'],
  };
  // Only API backends can be shielded (DESIGN.md §4.4): their `shield` field, by VCL name. A
  // version's objects never change once it is active, like the VCL stored with it.
  const shields: Record<string, string> = {};
  for (const b of await tx.listObjects(serviceId, version, 'backend')) {
    if (typeof b.data.shield === 'string') shields[backendVclName(b.name)] = b.data.shield;
  }
  return {
    serviceId, version, domains, settings,
    main: main.name,
    files: files.map((f) => ({ name: f.name, content: f.content })),
    ...(Object.keys(shields).length === 0 ? {} : { shields }),
    dictionaries: await liveTables(tx, serviceId, version),
    acls: await liveAcls(tx, serviceId, version),
    logging: await loadLoggingEndpoints(tx, serviceId, version),
  };
}

/** Every service's active version, for a POP that starts (or restarts) with nothing. */
export async function activeSources(store: Store): Promise<ServiceSource[]> {
  return store.transaction(async (tx) => {
    const sources: ServiceSource[] = [];
    for (const service of await tx.listServices()) {
      const active = (await tx.listVersions(service.id)).find((v) => v.active);
      if (active !== undefined) sources.push(await serviceSource(tx, service.id, active.number));
    }
    return sources;
  });
}
