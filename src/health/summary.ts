// A probe identity's health as one small row, for the POP's other nodes and for the API of
// every node (DESIGN.md §4.6: each POP "writes flips and a summary"). The probing node writes
// it; a node that takes the identity over (ownership.ts) resumes from it, so a hand-over keeps
// the history and the verdict instead of starting again from `.initial` (Varnish's vbp_reset
// is for a backend that is new, not for one that moved to another prober). Pure.

import { createHash } from 'node:crypto';
import type { ProbeDefinition } from '../model/backend.ts';
import type { BackendKey } from './admin.ts';
import type { Tracked } from './members.ts';
import type { HealthEntry, NodeSummary } from './registry-types.ts';
import { BIT_LETTERS, bitStrings, setAdmin } from './state.ts';
import type { AdminState, HealthState, Registers } from './state.ts';

/**
 * The identity's name in rows and events: SHA-256 of the identity, base64url. An identity is the
 * backend's whole wire definition (model/backend.ts probeIdentity) and may hold a CA
 * certificate; PostgreSQL's NOTIFY payload is at most 8000 bytes.
 */
export function identityKey(identity: string): string {
  return createHash('sha256').update(identity).digest('base64url');
}

export interface IdentitySummary {
  readonly key: string;
  /** The probe's verdict (no override: overrides belong to one service's backend, admin.ts). */
  readonly healthy: boolean;
  readonly good: number;
  readonly window: number;
  readonly threshold: number;
  readonly intervalMs: number;
  /** The eight history registers in BIT_LETTERS order, 16 hex digits each. */
  readonly registers: string;
  readonly avgRttMs: number;
  readonly rate: number;
  readonly lastResponse: string;
  /** Epoch ms of the last flip. */
  readonly lastChange: number;
  /** Epoch ms when the probing node wrote it. */
  readonly at: number;
}

export function encodeRegisters(r: Registers): string {
  let out = '';
  for (const letter of BIT_LETTERS) out += r[letter].toString(16).padStart(16, '0');
  return out;
}

export function decodeRegisters(text: string): Registers {
  if (!/^[0-9a-f]{128}$/.test(text)) throw new Error(`registers: must be 128 hex digits, got ${JSON.stringify(text.slice(0, 140))}`);
  const out = {} as Record<(typeof BIT_LETTERS)[number], bigint>;
  BIT_LETTERS.forEach((letter, i) => { out[letter] = BigInt(`0x${text.slice(i * 16, i * 16 + 16)}`); });
  return out;
}

export function summarize(key: string, state: HealthState, at: number): IdentitySummary {
  return {
    key, healthy: !state.sick, good: state.good, window: state.probe?.window ?? 0, threshold: state.probe?.threshold ?? 0,
    intervalMs: state.probe?.intervalMs ?? 0, registers: encodeRegisters(state.registers),
    avgRttMs: state.avgRttMs, rate: state.rate, lastResponse: state.lastResponse, lastChange: state.lastChange, at,
  };
}

/** The state another node wrote, as this node's own (its admin field stays `auto`). */
export function restoreState(probe: ProbeDefinition, s: IdentitySummary): HealthState {
  const sick = !s.healthy;
  return {
    probe, registers: decodeRegisters(s.registers), good: s.good, sick, admin: 'auto', healthy: !sick,
    lastRttMs: 0, avgRttMs: s.avgRttMs, rate: s.rate, lastResponse: s.lastResponse, lastChange: s.lastChange, probes: 0,
  };
}

/** The state with only its verdict changed (a flip heard before the row that explains it). */
export function withVerdict(state: HealthState, healthy: boolean, at: number): HealthState {
  return { ...state, sick: !healthy, healthy, lastChange: at };
}

/**
 * Whether a state differs from the one last written in what routing and an operator act on:
 * the verdict, the good count, the last response. The registers and the average rtt move on
 * every probe until a backend has been steady for 64 probes; writing them each time would
 * write every row of a POP every second for its first minute (and forever for a flapping
 * one). They are written with those changes and with the periodic refresh.
 */
export function materiallyChanged(before: HealthState, after: HealthState): boolean {
  return before.sick !== after.sick || before.good !== after.good || before.lastResponse !== after.lastResponse
    || before.lastChange !== after.lastChange;
}

/**
 * The rows of the identities this node probes that changed since they were last summarised, or
 * were last written about `refreshMs` ago (so a reader can tell a live row from one left by a
 * node that died), with this node's counts. Marks what it answers as summarised.
 */
export function summarizeOwned(tracked: Iterable<Tracked>, refreshMs: number, now: number): NodeSummary {
  const rows: IdentitySummary[] = [];
  let probing = 0;
  let sick = 0;
  for (const t of tracked) {
    if (!t.owned || t.backend.probe === null) continue;
    probing++;
    if (t.state.sick) sick++;
    // Each identity refreshes at its own point of the period (its hash picks it), so rows
    // written together at start are not all written again together every refreshMs.
    const refreshAfter = refreshMs - (t.keyHash % Math.max(1, Math.floor(refreshMs / 2)));
    if (t.reported !== null && !materiallyChanged(t.reported, t.state) && now - t.reportedAt < refreshAfter) continue;
    t.reported = t.state;
    t.reportedAt = now;
    rows.push(summarize(t.key, t.state, now));
  }
  return { probing, sick, rows };
}

/** One service's backend as `GET /service/{sid}/health` shows it in this node's POP. */
export function entryOf(m: BackendKey, t: Tracked, pop: string, admin: AdminState, since: number | undefined): HealthEntry {
  // The member's view: its override applied to the shared state, changed when it was set.
  const s = admin === 'auto' ? t.state : setAdmin(t.state, admin, since).state;
  return {
    name: m.name, pop, identity: t.identity, admin: s.admin, healthy: s.healthy, stale: false, good: s.good,
    threshold: s.probe?.threshold ?? 0, window: s.probe?.window ?? 0, bits: bitStrings(s),
    last_change: new Date(s.lastChange).toISOString(), last_response: s.lastResponse,
    avg_rtt_ms: Math.round(s.avgRttMs * 1000) / 1000,
  };
}
