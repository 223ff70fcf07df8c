// A purge across the fleet (DESIGN.md §4.6): published through the Store to every edge node of
// every POP, answered once every edge node heard from within the last 3 s has applied it.
//
// The nodes to wait for are the live edge nodes when the purge commits (read in the same
// transaction). Each acknowledges with `ackPurge` once its workers applied it; the
// acknowledgement is announced (NOTIFY on PostgreSQL) and also kept in a table, which the wait
// reads every ACK_POLL_MS in case an announcement was lost. The wait is bounded by
// PURGE_WAIT_MS: a node that has not confirmed by then is looked at again — one not heard from
// for PURGE_LIVE_MS is no longer counted (it is gone; on its return it reads the purge from the
// event log, or reloads everything), one still live puts its POP in `skipped_pops`.
// `pops` counts the POPs all of whose counted nodes confirmed.
import type { PurgeCommand } from '../edge/cache/index.ts';
import type { LiveNodeRow, PurgeAck, Store } from '../store/index.ts';

/** DESIGN.md §4.6: "every edge node of every POP heard from within the last 3 s". */
export const PURGE_LIVE_MS = 3_000;
/** How long a purge waits for confirmations before it answers with the POPs that gave none. */
export const PURGE_WAIT_MS = 2_000;
const ACK_POLL_MS = 250;

export interface PurgeOutcome {
  /** POPs every counted edge node of which applied the purge. */
  readonly pops: number;
  /** POPs with a live edge node that did not confirm within PURGE_WAIT_MS, by name. */
  readonly skippedPops: readonly string[];
}

/** One service's purge. */
export interface ServicePurge {
  readonly serviceId: string;
  readonly command: PurgeCommand;
}

/** Applies every purge (each with an id of its own) everywhere; resolves with who confirmed them all. */
export type FleetPurge = (purges: readonly ServicePurge[]) => Promise<PurgeOutcome>;

export interface FleetPurgeOptions {
  readonly waitMs?: number;
  readonly liveMs?: number;
}

export function fleetPurge(store: Store, options: FleetPurgeOptions = {}): FleetPurge {
  const waitMs = options.waitMs ?? PURGE_WAIT_MS;
  const liveMs = options.liveMs ?? PURGE_LIVE_MS;
  return async (purges) => {
    const ids = new Set(purges.map((p) => p.command.id));
    /** node id → the purge ids it confirmed */
    const confirmed = new Map<string, Set<string>>();
    let wake = (): void => {};
    const record = (purgeId: string, nodeId: string): void => {
      if (!ids.has(purgeId)) return;
      let mine = confirmed.get(nodeId);
      if (mine === undefined) confirmed.set(nodeId, mine = new Set());
      mine.add(purgeId);
      wake();
    };
    const onAck = (ack: PurgeAck): void => record(ack.purgeId, ack.nodeId);
    // Listening before the purge commits: an edge node may confirm before the commit returns here.
    store.events.on('ack', onAck);
    try {
      const expected = await store.transaction(async (tx) => {
        for (const { serviceId, command } of purges) tx.publish({ type: 'purge', serviceId, command });
        return (await tx.listLiveNodes(liveMs)).filter((n) => n.role !== 'control');
      });
      const done = (n: LiveNodeRow): boolean => confirmed.get(n.id)?.size === ids.size;
      const deadline = Date.now() + waitMs;
      let nextPoll = Date.now() + ACK_POLL_MS;
      while (!expected.every(done) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, Math.min(nextPoll, deadline) - Date.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
        if (Date.now() >= nextPoll && !expected.every(done)) {
          nextPoll = Date.now() + ACK_POLL_MS;
          await readConfirmations(store, ids, record).catch(() => undefined);
        }
      }
      const missing = expected.filter((n) => !done(n));
      const stillLive = missing.length === 0 ? new Set<string>() : await liveIds(store, liveMs, missing);
      const verdict = new Map<string, 'ok' | 'skipped'>();
      for (const n of expected) {
        if (done(n)) verdict.set(n.pop, verdict.get(n.pop) ?? 'ok');
        else if (stillLive.has(n.id)) verdict.set(n.pop, 'skipped');
      }
      const skippedPops = [...verdict].filter(([, v]) => v === 'skipped').map(([pop]) => pop).sort();
      return { pops: verdict.size - skippedPops.length, skippedPops };
    } finally {
      store.events.off('ack', onAck);
    }
  };
}

async function readConfirmations(store: Store, ids: ReadonlySet<string>, record: (purgeId: string, nodeId: string) => void): Promise<void> {
  const rows = await store.transaction(async (tx) => Promise.all([...ids].map(async (id) => [id, await tx.listPurgeAcks(id)] as const)));
  for (const [id, nodes] of rows) for (const node of nodes) record(id, node);
}

/** Which of `nodes` are still live; all of them when that cannot be read (they may well be). */
async function liveIds(store: Store, liveMs: number, nodes: readonly LiveNodeRow[]): Promise<Set<string>> {
  try {
    return new Set((await store.transaction((tx) => tx.listLiveNodes(liveMs))).map((n) => n.id));
  } catch {
    return new Set(nodes.map((n) => n.id));
  }
}
