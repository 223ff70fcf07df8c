// Health as the fleet's POPs wrote it to the Store (DESIGN.md §4.6): one entry per backend and
// POP, from each POP's rows (src/process/pop-health.ts writes them) and the age of its last
// summary. `stale` is true when that POP's last summary is older than max(3 × check_interval,
// 10 s), or when the POP has written nothing yet for a probed backend (it cannot vouch for it);
// a stale entry is never healthy. Overrides are per service and backend, fleet-wide (admin.ts).

import { LRUCache } from 'lru-cache';
import { BIT_LETTERS, decodeRegisters, effectiveHealth, identityKey, registerString } from '../../health/index.ts';
import type { AdminState, BitLetter, HealthEntry, HealthEvent } from '../../health/index.ts';
import { probeIdentity } from '../../model/backend.ts';
import type { HealthOverrideRow, StoreEvent, StoredHealthState, StoreTx } from '../../store/index.ts';
import { compileService } from '../../vcl/index.ts';
import { serviceSource } from '../sources.ts';

/** A backend of a service as the health API lists it. */
export interface ServiceBackend {
  /** The VCL name. */
  readonly name: string;
  readonly identity: string;
  /** identityKey(identity): how the rows name it. */
  readonly key: string;
  readonly probed: boolean;
  readonly window: number;
  readonly threshold: number;
}

/** Compiled backends of active versions: an active version never changes (DESIGN.md §1). */
const compiled = new LRUCache<string, readonly ServiceBackend[]>({ max: 1024 });

/** The backends of the service's active version, in declaration order; none when it has none. */
export async function activeBackends(tx: StoreTx, serviceId: string): Promise<readonly ServiceBackend[]> {
  const active = (await tx.listVersions(serviceId)).find((v) => v.active);
  if (active === undefined) return [];
  const cacheKey = `${serviceId}\u0000${active.number}`;
  let backends = compiled.get(cacheKey);
  if (backends === undefined) {
    const { service } = compileService(await serviceSource(tx, serviceId, active.number));
    backends = service === null ? [] : [...service.backends.values()].map((b) => {
      const identity = probeIdentity(b);
      return { name: b.name, identity, key: identityKey(identity), probed: b.probe !== null, window: b.probe?.window ?? 0, threshold: b.probe?.threshold ?? 0 };
    });
    compiled.set(cacheKey, backends);
  }
  return backends;
}

/** A local entry's backend, for the other POPs' entries of it. */
export function backendOf(e: HealthEntry): ServiceBackend {
  return { name: e.name, identity: e.identity, key: identityKey(e.identity), probed: e.window > 0, window: e.window, threshold: e.threshold };
}

export interface FleetRows {
  /** pop → age (store's clock) of its latest summary, ms. */
  readonly pops: ReadonlyMap<string, number>;
  /** `${pop}\0${key}` → row. */
  readonly states: ReadonlyMap<string, StoredHealthState>;
  /** VCL name → the service's override. */
  readonly overrides: ReadonlyMap<string, HealthOverrideRow>;
}

export async function readFleetRows(tx: StoreTx, serviceId: string, backends: readonly ServiceBackend[]): Promise<FleetRows> {
  const pops = new Map<string, number>();
  for (const s of await tx.listHealthSummaries()) pops.set(s.pop, Math.min(pops.get(s.pop) ?? Infinity, s.ageMs));
  const keys = [...new Set(backends.filter((b) => b.probed).map((b) => b.key))];
  const states = new Map((await tx.listHealthStates({ keys })).map((r) => [`${r.pop}\u0000${r.key}`, r]));
  const overrides = new Map((await tx.listHealthOverrides({ serviceId })).map((o) => [o.backend, o]));
  return { pops, states, overrides };
}

/** How old a POP's last summary may be before its entries are stale (DESIGN.md §4.6). */
export function staleAfterMs(intervalMs: number): number {
  return Math.max(3 * intervalMs, 10_000);
}

const NO_BITS = '-'.repeat(64);

/** The entries of one backend in every POP the rows know, but `skipPop` (the node's own, shown live). */
export function fleetEntries(b: ServiceBackend, rows: FleetRows, skipPop: string | null, now: number): HealthEntry[] {
  const admin: AdminState = rows.overrides.get(b.name)?.admin ?? 'auto';
  const out: HealthEntry[] = [];
  for (const pop of [...rows.pops.keys()].sort()) {
    if (pop === skipPop) continue;
    const summaryAge = rows.pops.get(pop) as number;
    const row = b.probed ? rows.states.get(`${pop}\u0000${b.key}`) : undefined;
    const stale = summaryAge > staleAfterMs(row?.intervalMs ?? 0) || (b.probed && row === undefined);
    const sick = row !== undefined && !row.healthy;
    const registers = row === undefined ? null : decodeRegisters(row.registers);
    const bits = {} as Record<BitLetter, string>;
    for (const letter of BIT_LETTERS) bits[letter] = registers === null ? NO_BITS : registerString(letter, registers[letter]);
    out.push({
      name: b.name, pop, identity: b.identity, admin, healthy: !stale && effectiveHealth(admin, sick), stale,
      good: row?.good ?? 0, threshold: row?.threshold ?? b.threshold, window: row?.window ?? b.window, bits,
      last_change: row?.lastChange ?? new Date(now - summaryAge).toISOString(), last_response: row?.lastResponse ?? '',
      avg_rtt_ms: Math.round((row?.avgRttMs ?? 0) * 1000) / 1000,
    });
  }
  return out;
}

/**
 * A flip another POP published, as the event of `GET /health/events` for one service: the
 * service's backends with that identity that follow the probe (no override), or null when none.
 */
export function flipEvent(
  e: StoreEvent & { type: 'health' }, backends: readonly ServiceBackend[], serviceId: string, overrides: ReadonlyMap<string, HealthOverrideRow>,
): HealthEvent | null {
  const hit = backends.filter((b) => b.key === e.key && (overrides.get(b.name)?.admin ?? 'auto') === 'auto');
  if (hit.length === 0) return null;
  return {
    type: 'health', identity: hit[0].identity, healthy: e.healthy, cause: 'probe', pop: e.pop, at: e.at,
    backends: hit.map((b) => ({ service_id: serviceId, name: b.name })),
  };
}
