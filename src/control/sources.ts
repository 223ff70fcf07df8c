// What activation publishes to the POPs: a service's active version as a ServiceSource (the
// generated VCL that runs, its domains and settings). DESIGN.md §1: "published through the Store".

import type { ServiceSettings, ServiceSource } from '../vcl/compiled.ts';
import { generateVcl } from '../model/generate.ts';
import type { Store, StoreTx } from '../store/index.ts';
import { loadConfig } from './versions.ts';

/** The source of one version of a service (normally its active one). */
export async function serviceSource(tx: StoreTx, serviceId: string, version: number): Promise<ServiceSource> {
  const config = await loadConfig(tx, serviceId, version);
  const { files } = generateVcl(config);
  const main = files.find((f) => f.main) ?? files[0];
  const domains = (await tx.listObjects(serviceId, version, 'domain')).map((d) => d.name);
  const s = config.settings;
  const settings: ServiceSettings = {
    defaultTtl: Number(s['general.default_ttl']),
    staleIfError: s['general.stale_if_error'] === true,
    staleIfErrorTtl: Number(s['general.stale_if_error_ttl']),
  };
  return {
    serviceId, version, domains, settings,
    main: main.name,
    files: files.map((f) => ({ name: f.name, content: f.content })),
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
