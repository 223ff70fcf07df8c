// Purging through the API (Fastly "Purging": purge_all, purge by one surrogate key or many,
// purge one URL), and the token check the edge asks for on `PURGE <url>`. The purge is applied
// by every edge node of every POP; the API answers once every edge node heard from within the
// last 3 s applied it, saying how many POPs did and which did not confirm in time
// (DESIGN.md §4.6, ../fleet-purge.ts): `{"status":"ok","id":…,"pops":N,"skipped_pops":[…]}`.
// The bulk endpoint answers Fastly's `{key: id}` map, after the same wait. The Fastly CLI uses
// the bulk endpoint for `service purge --key` and `--file`, and `POST /purge/<url>` for
// `--url`; the fastly JS client has all four; both read `status` and `id` and ignore the rest.
import { newPurgeId } from '../../edge/cache/index.ts';
import type { Store } from '../../store/index.ts';
import { authenticate, authorize } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { FleetPurge, PurgeOutcome } from '../fleet-purge.ts';
import type { RouteTable } from '../routes.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

function answer(id: string, outcome: PurgeOutcome): Record<string, unknown> {
  return { status: 'ok', id, pops: outcome.pops, skipped_pops: outcome.skippedPops };
}

export function registerPurgeRoutes(routes: RouteTable, deps: ControlDeps, pop: string, purge: FleetPurge): void {
  const soft = (headers: Readonly<Record<string, string | undefined>>): boolean => headers['fastly-soft-purge']?.trim() === '1';

  routes.add({ method: 'POST', url: '/service/:service_id/purge_all', summary: 'Purge every object of the service (Fastly-Soft-Purge: 1 marks them stale)', tag: 'purge', access: 'write' },
    async ({ params, headers }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      const id = newPurgeId(pop);
      return answer(id, await purge([{ serviceId: params.service_id, command: { kind: 'all', id, serviceId: params.service_id, soft: soft(headers) } }]));
    });

  routes.add({ method: 'POST', url: '/service/:service_id/purge/:surrogate_key', summary: 'Purge every object whose Surrogate-Key has this key', tag: 'purge', access: 'write' },
    async ({ params, headers }) => {
      await deps.store.transaction((tx) => requireService(tx, params.service_id));
      const id = newPurgeId(pop);
      const command = { kind: 'surrogate-key' as const, id, serviceId: params.service_id, surrogateKey: params.surrogate_key, soft: soft(headers) };
      return answer(id, await purge([{ serviceId: params.service_id, command }]));
    });

  routes.add({
    method: 'POST', url: '/service/:service_id/purge', tag: 'purge', access: 'write',
    summary: `Purge every object tagged with any of up to ${MAX_BULK_KEYS} surrogate keys, given in a Surrogate-Key header (space-separated) or a JSON body {"surrogate_keys": [...]}; answers each key's purge id`,
  }, async ({ params, headers, body }) => {
    const keys = bulkKeys(headers['surrogate-key'], body);
    await deps.store.transaction((tx) => requireService(tx, params.service_id));
    const ids: Record<string, string> = {};
    for (const key of keys) ids[key] = newPurgeId(pop);
    await purge(keys.map((key) => ({
      serviceId: params.service_id, command: { kind: 'surrogate-key', id: ids[key], serviceId: params.service_id, surrogateKey: key, soft: soft(headers) },
    })));
    return ids;
  });

  routes.add({
    method: 'POST', url: '/purge/*', wildcard: 'cached_url', tag: 'purge', access: 'write', authorizesInHandler: true,
    summary: 'Purge one URL (with or without its scheme, e.g. /purge/www.example.com/a.css): the service is the one whose active version has its host as a domain',
  }, async ({ headers, token, reply }) => {
    const target = cachedUrl(reply.request.url);
    const services = await deps.store.transaction((tx) => tx.servicesWithActiveDomain(target.domain));
    if (services.length === 0) throw new ApiError('notFound', `cached_url: no active service has the domain "${target.domain}"`);
    for (const serviceId of services) authorize(token!, 'write', serviceId);
    // One id per service: each edge node confirms each one once it applied it. The answer
    // names the first; a domain is active in one service only, so there is normally one.
    const purges = services.map((serviceId) => ({
      serviceId, command: { kind: 'url' as const, id: newPurgeId(pop), serviceId, host: target.host, url: target.url, soft: soft(headers) },
    }));
    return answer(purges[0].command.id, await purge(purges));
  });
}

/** Fastly's limit on keys in one bulk purge. */
const MAX_BULK_KEYS = 256;

/**
 * The keys of a bulk purge: the Surrogate-Key header's, else the body's `surrogate_keys` (a JSON
 * array, or in a form body one or more values, each space-separated like the header); each key
 * once, in order.
 */
function bulkKeys(header: string | undefined, body: unknown): string[] {
  const split = (text: string): string[] => text.split(/\s+/).filter((k) => k !== '');
  let keys: string[];
  if (header !== undefined && header.trim() !== '') {
    keys = split(header);
  } else {
    const given = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).surrogate_keys : undefined;
    if (given === undefined) throw new ApiError('badRequest', 'surrogate_keys: give the keys in a Surrogate-Key header or a JSON body {"surrogate_keys": ["key", ...]}');
    const list = typeof given === 'string' ? split(given) : given;
    if (!Array.isArray(list)) throw new ApiError('badRequest', 'surrogate_keys: must be an array of strings');
    list.forEach((k, i) => {
      if (typeof k !== 'string' || k === '' || /\s/.test(k)) throw new ApiError('badRequest', `surrogate_keys[${i}]: must be a non-empty string without spaces`);
    });
    keys = list as string[];
  }
  keys = [...new Set(keys)];
  if (keys.length === 0) throw new ApiError('badRequest', 'surrogate_keys: give at least one key');
  if (keys.length > MAX_BULK_KEYS) throw new ApiError('badRequest', `surrogate_keys: at most ${MAX_BULK_KEYS} keys in one purge, got ${keys.length}`);
  return keys;
}

/**
 * The host and request target of `POST /purge/{cached_url}`, taken from the raw request path so
 * the cached URL's own query string stays part of it. The scheme is optional (Fastly purges
 * both schemes' objects alike; the cache key is host and path).
 */
export function cachedUrl(rawPath: string): { readonly domain: string; readonly host: string; readonly url: string } {
  const rest = rawPath.replace(/^\/purge\//, '');
  let parsed: URL;
  try {
    parsed = new URL(/^https?:\/\//i.test(rest) ? rest : `http://${rest}`);
  } catch {
    throw new ApiError('badRequest', `cached_url: "${rest}" is not a URL like www.example.com/path or https://www.example.com/path`);
  }
  if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') {
    throw new ApiError('badRequest', `cached_url: "${rest}" is not a URL like www.example.com/path or https://www.example.com/path`);
  }
  // `host` is what a client's Host header would say (a port included), `domain` the name alone.
  return { domain: parsed.hostname, host: parsed.host, url: `${parsed.pathname}${parsed.search}` };
}

/** Whether `token` may purge `serviceId` (the edge's `PURGE <url>` sends it here). */
export async function authorizePurge(store: Store, token: string | null, serviceId: string): Promise<'ok' | 'unauthorized' | 'forbidden'> {
  try {
    authorize(await authenticate(store, token), 'write', serviceId);
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.status === 401 ? 'unauthorized' : 'forbidden';
    throw err;
  }
}
