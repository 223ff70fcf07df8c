// Which service and version a command acts on. `--version` takes a number, `latest` or
// `active` as the Fastly CLI's does; the last two are read from GET /service/{sid}/details,
// whose `version` is the latest version and `active_version` the active one (DESIGN.md §4.2).
// `--autoclone`: an active or locked version cannot be edited (422 `Version locked`), so the
// command clones it and edits the clone, as the Fastly CLI's --autoclone does.
import { apiPath, type ApiClient } from './api-client.ts';
import { CliError, UsageError } from './errors.ts';
import type { Output } from './output.ts';

export interface VersionRef {
  readonly number: number;
  readonly active: boolean;
  readonly locked: boolean;
}

export interface ServiceFlags {
  readonly serviceId?: string;
  readonly serviceName?: string;
}

/** `-s/--service-id`, else `--service-name` (looked up by name), else LACQUER_SERVICE_ID. */
export async function resolveServiceId(client: ApiClient, flags: ServiceFlags, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (flags.serviceId !== undefined && flags.serviceId !== '') return flags.serviceId;
  if (flags.serviceName !== undefined && flags.serviceName !== '') {
    const found = await client.get<{ id: string }>(`/service/search?name=${encodeURIComponent(flags.serviceName)}`);
    return found.id;
  }
  const fromEnv = env.LACQUER_SERVICE_ID;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  throw new UsageError('a service is required: pass --service-id ID (-s), --service-name NAME, or set LACQUER_SERVICE_ID');
}

function ref(v: { number: number; active: boolean; locked: boolean }): VersionRef {
  return { number: v.number, active: v.active, locked: v.locked };
}

export async function resolveVersion(client: ApiClient, serviceId: string, spec: string): Promise<VersionRef> {
  if (/^[1-9]\d*$/.test(spec)) return ref(await client.get<VersionRef>(apiPath('service', serviceId, 'version', spec)));
  if (spec !== 'latest' && spec !== 'active') throw new UsageError(`--version must be a version number, "latest" or "active", got "${spec}"`);
  const details = await client.get<{ version: VersionRef; active_version: VersionRef | null }>(apiPath('service', serviceId, 'details'));
  if (spec === 'latest') return ref(details.version);
  if (details.active_version === null) throw new CliError(null, 'No active version', `service '${serviceId}' has no active version; use --version latest or a number`);
  return ref(details.active_version);
}

/**
 * The version to edit. Without --autoclone an active or locked version is returned as is, so
 * the API's own `Version locked` answer (which says to clone) reaches the user.
 */
export async function editableVersion(client: ApiClient, serviceId: string, spec: string, autoclone: boolean, out: Output,
  preflight?: (source: number) => Promise<void>, onClone?: (from: number, to: number) => void): Promise<number> {
  const v = await resolveVersion(client, serviceId, spec);
  if (!autoclone || (!v.active && !v.locked)) return v.number;
  // The clone cannot be taken back (Fastly's API deletes no version): check the edit first (preflight.ts).
  await preflight?.(v.number);
  const clone = await client.put<{ number: number }>(apiPath('service', serviceId, 'version', v.number, 'clone'));
  onClone?.(v.number, clone.number);
  out.notice(`Version ${v.number} is ${v.active ? 'active' : 'locked'}; cloned it to version ${clone.number} (--autoclone) and editing that.`);
  return clone.number;
}
