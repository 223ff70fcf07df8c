// Shielding (DESIGN.md §4.4; Fastly's "Shielding" guide): an API backend whose `shield` names
// another POP is fetched, from every other POP, through that POP's edge — one of its nodes'
// `--node-url`, chosen by rendezvous hashing of the cache key, so one object's misses of the
// whole POP meet at one shield node — and the shield fetches the origin. A shield POP never
// forwards to itself (RequestContext.shieldOf). A loop through shields is refused with 508 by
// CDN-Loop, which every hop leaving a POP names it in (src/edge/pipeline.ts).
//
// A sick or unreachable shield falls back to the origin directly, logged and counted:
// - a POP with no live node (stopped, or silent for 3 s: the fleet's live window) is not asked;
// - a shield node that refuses or drops the connection, or fails before answering, is asked no
//   more for SHIELD_RETRY_MS, and this request is fetched from the origin at once.
// So a shield that stops answering costs at most a connect timeout (1 s) per request, and none
// once the fleet's registry drops it (≤ 3 s + the 1 s membership poll: within 5 s).
import type { Buffer } from 'node:buffer';
import type { BackendDefinition } from '../../model/backend.ts';
import type { CancelSignal } from '../client.ts';
import type { RequestContext } from '../context.ts';
import type { EdgeError } from '../errors.ts';
import type { UpstreamPools, UpstreamResponse } from '../upstream/index.ts';
import { fleetBackend, hopHeaders } from './hop.ts';
import type { FleetMetrics } from './metrics.ts';

export const SHIELD_RETRY_MS = 5_000;
const down = new Map<string, number>();

export interface ShieldDeps {
  readonly upstream: UpstreamPools;
  readonly metrics: FleetMetrics;
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Sends bereq to the shield POP of `backend` when it has one from here: the shield's response,
 * or null when the request is to go to the origin directly (no shield, or a fallback).
 */
export async function viaShield(ctx: RequestContext, backend: BackendDefinition, body: Buffer | null, signal: CancelSignal, deps: ShieldDeps): Promise<UpstreamResponse | null> {
  const pop = ctx.shieldOf(backend.name);
  const fleet = ctx.fleet;
  const bereq = ctx.bereq;
  if (pop === null || fleet === null || bereq === null) return null;
  const node = fleet.shieldNode(pop, ctx.cacheKey ?? bereq.url);
  const now = Date.now();
  if (node === null || (down.get(node) ?? 0) > now) {
    deps.metrics.shield(pop, 'fallback');
    if (node === null) deps.warn({ pop, backend: backend.name, service: ctx.service.serviceId }, 'shield POP has no live node; fetching the origin directly');
    return null;
  }
  const host = bereq.http.get('host') ?? '';
  try {
    const response = await deps.upstream.fetch(fleetBackend(node, backend),
      { method: bereq.method, path: bereq.url, headers: bereq.http.fields, body, bodyLength: body?.length ?? null },
      { clientIp: ctx.clientIp, signal, hop: hopHeaders(ctx, true, { method: bereq.method, host, url: bereq.url }) });
    deps.metrics.shield(pop, 'ok');
    return response;
  } catch (err) {
    down.set(node, now + SHIELD_RETRY_MS);
    deps.metrics.shield(pop, 'fallback');
    deps.warn({ err: (err as EdgeError).reason ?? err, pop, node, backend: backend.name, service: ctx.service.serviceId },
      'shield POP did not answer; fetching the origin directly');
    return null;
  }
}
