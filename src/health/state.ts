// The health of one probe target, as pure data. Who owns what: the registry (registry.ts)
// holds one HealthState per identity and replaces it with what these functions return; the
// probe (probe.ts) produces ProbeResults and never touches state; nothing here does I/O.
//
// Semantics are Varnish 7.1's (bin/varnishd/cache/cache_backend_probe.c): eight 64-bit
// history registers (include/tbl/backend_poll.h) shifted once per probe (vbp_start_poke),
// `good` = happy bits among the last `window` (vbp_has_poked), sick when good < threshold
// (VBP_Update_Backend), `.initial` happy bits credited at start (vbp_reset).

import type { ProbeDefinition } from '../model/backend.ts';

/** The registers in Varnish's order (tbl/backend_poll.h), named by their letter. */
export const BIT_LETTERS = ['4', '6', 'U', 'x', 'X', 'r', 'R', 'H'] as const;
export type BitLetter = (typeof BIT_LETTERS)[number];
export type ProbeBits = Readonly<Record<BitLetter, boolean>>;
export type Registers = Readonly<Record<BitLetter, bigint>>;

export const ADMIN_STATES = ['auto', 'healthy', 'sick'] as const;
/** `varnishadm backend.set_health` states: auto follows the probe, the others override it. */
export type AdminState = (typeof ADMIN_STATES)[number];

/** How a probe ended; the label of `lacquer_probes_total{result}`. */
export const PROBE_OUTCOMES = [
  'happy', 'bad_status', 'empty', 'dns_error', 'open_error', 'open_timeout', 'tls_error',
  'xmit_error', 'recv_error', 'recv_timeout',
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  /** The bits this probe set in the registers. */
  readonly bits: ProbeBits;
  /** Varnish `vt->last`: start to end of a good receive in ms (of the lookup for `.dummy`), else 0. */
  readonly rttMs: number;
  /** Varnish `resp_buf`: the status line, or the error text. */
  readonly response: string;
  /** Wall clock (epoch ms) at the start of the probe. */
  readonly startedAt: number;
  /** Whole probe time in ms, whatever the outcome (for the duration histogram). */
  readonly durationMs: number;
}

export interface HealthState {
  /** null: no probe, always healthy unless an operator says otherwise. */
  readonly probe: ProbeDefinition | null;
  readonly registers: Registers;
  readonly good: number;
  /** The probe's verdict (Varnish `backend->sick`), whatever the admin state. */
  readonly sick: boolean;
  readonly admin: AdminState;
  /** What routing uses: the admin override, else the probe's verdict. */
  readonly healthy: boolean;
  readonly lastRttMs: number;
  /** Exponential average of happy probes' rtt (Varnish `vt->avg`), ms. */
  readonly avgRttMs: number;
  /** Varnish `vt->rate`: the averaging divisor, grows to AVG_RATE. */
  readonly rate: number;
  readonly lastResponse: string;
  /** Epoch ms of the last change of `healthy` or `sick` (creation at first). */
  readonly lastChange: number;
  readonly probes: number;
}

export interface Transition {
  readonly state: HealthState;
  /** The probe's verdict changed (Varnish logs "Went" instead of "Still"). */
  readonly changed: boolean;
  /** The effective health changed: routing must hear of it. */
  readonly flipped: boolean;
}

/** cache_backend_probe.c `#define AVG_RATE 4`. */
const AVG_RATE = 4;
const MASK64 = (1n << 64n) - 1n;

const NO_BITS: ProbeBits = { '4': false, '6': false, U: false, x: false, X: false, r: false, R: false, H: false };
const ZERO_REGISTERS: Registers = { '4': 0n, '6': 0n, U: 0n, x: 0n, X: 0n, r: 0n, R: 0n, H: 0n };

export function probeBits(set: readonly BitLetter[]): ProbeBits {
  const bits = { ...NO_BITS };
  for (const letter of set) bits[letter] = true;
  return bits;
}

function effective(admin: AdminState, sick: boolean): boolean {
  return admin === 'auto' ? !sick : admin === 'healthy';
}

const MASK32 = 0xffffffffn;

/** Set bits of a 32-bit number (every probe counts its window, so no BigInt loop here). */
function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function countGood(happy: bigint, window: number): number {
  if (happy === 0n || window <= 0) return 0;
  const w = Math.min(window, 64);
  // A backend that has been happy for 64 probes (the steady state) needs no BigInt work.
  if (happy === MASK64) return w;
  const lo = Number(happy & MASK32);
  if (w <= 32) return popcount32(w === 32 ? lo : lo & ((1 << w) - 1));
  const hi = Number((happy >> 32n) & MASK32);
  return popcount32(lo) + popcount32(w === 64 ? hi : hi & ((1 << (w - 32)) - 1));
}

/**
 * `k` ones (2^k − 1) → `k + 1` ones, for k < 64. A backend that answers every probe the same
 * way fills its registers with ones, one more each probe, for its first 64 probes (an hour at
 * Fastly's default 60 s interval, a minute at 1 s): these registers come from this table
 * instead of two or three new BigInts each, which also live an interval and so outlive V8's
 * young generation.
 */
const ONES_GROWN = new Map<bigint, bigint>(Array.from({ length: 64 }, (_, k) => [(1n << BigInt(k)) - 1n, (1n << BigInt(k + 1)) - 1n]));

/** One register shifted by one probe. Registers that stay zero, fill with ones or are full (most of them) allocate nothing. */
function shift(register: bigint, bit: boolean): bigint {
  if (register === 0n) return bit ? 1n : 0n;
  if (bit) {
    // A register of 64 ones stays so when another one comes in.
    if (register === MASK64) return MASK64;
    const grown = ONES_GROWN.get(register);
    if (grown !== undefined) return grown;
  }
  const next = (register << 1n) & MASK64;
  return bit ? next | 1n : next;
}

interface Poke { registers: Registers; good: number; avgRttMs: number; rate: number }

/** vbp_start_poke + the probe's bits + vbp_has_poked: one shift, then the window count. */
function poke(prev: Poke, window: number, bits: ProbeBits, rttMs: number): Poke {
  const r = prev.registers;
  // Spelled out, not looped over BIT_LETTERS: one object of a fixed shape, or none.
  const b4 = shift(r['4'], bits['4']), b6 = shift(r['6'], bits['6']), bU = shift(r.U, bits.U), bx = shift(r.x, bits.x);
  const bX = shift(r.X, bits.X), br = shift(r.r, bits.r), bR = shift(r.R, bits.R), bH = shift(r.H, bits.H);
  // A steady backend's registers do not change from one probe to the next: keep the object.
  const same = b4 === r['4'] && b6 === r['6'] && bU === r.U && bx === r.x && bX === r.X && br === r.r && bR === r.R && bH === r.H;
  const registers: Registers = same ? r : { '4': b4, '6': b6, U: bU, x: bx, X: bX, r: br, R: bR, H: bH };
  let { avgRttMs, rate } = prev;
  if (bits.H) {
    if (rate < AVG_RATE) rate += 1;
    avgRttMs += (rttMs - avgRttMs) / rate;
  }
  return { registers, good: countGood(registers.H, window), avgRttMs, rate };
}

export function createHealthState(probe: ProbeDefinition | null, now: number = Date.now()): HealthState {
  let p: Poke = { registers: ZERO_REGISTERS, good: 0, avgRttMs: 0, rate: 0 };
  if (probe !== null) {
    // vbp_reset credits `initial` happy pokes with a zero rtt: they also advance `rate`.
    const happy = probeBits(['H']);
    for (let i = 0; i < probe.initial; i++) p = poke(p, probe.window, happy, 0);
  }
  const sick = probe !== null && p.good < probe.threshold;
  return {
    probe, registers: p.registers, good: p.good, sick, admin: 'auto', healthy: !sick,
    lastRttMs: 0, avgRttMs: p.avgRttMs, rate: p.rate, lastResponse: '', lastChange: now, probes: 0,
  };
}

export function recordProbe(state: HealthState, result: ProbeResult, now: number = result.startedAt + result.durationMs): Transition {
  const probe = state.probe;
  if (probe === null) throw new Error('recordProbe on a backend without a probe');
  const p = poke(state, probe.window, result.bits, result.rttMs);
  const sick = p.good < probe.threshold;
  const healthy = effective(state.admin, sick);
  const changed = sick !== state.sick;
  const flipped = healthy !== state.healthy;
  // Every field spelled out rather than spread: this runs for every probe of the POP.
  const next: HealthState = {
    probe, registers: p.registers, good: p.good, sick, admin: state.admin, healthy,
    lastRttMs: result.rttMs, avgRttMs: p.avgRttMs, rate: p.rate, lastResponse: result.response,
    lastChange: changed || flipped ? now : state.lastChange, probes: state.probes + 1,
  };
  return { state: next, changed, flipped };
}

export function setAdmin(state: HealthState, admin: AdminState, now: number = Date.now()): Transition {
  const healthy = effective(admin, state.sick);
  const flipped = healthy !== state.healthy;
  return { state: { ...state, admin, healthy, lastChange: flipped ? now : state.lastChange }, changed: false, flipped };
}

/** One register as `backend.list -p` prints it: 64 characters, oldest first, `-` when unset. */
export function registerString(letter: BitLetter, register: bigint): string {
  let out = '';
  for (let i = 63; i >= 0; i--) out += (register >> BigInt(i)) & 1n ? letter : '-';
  return out;
}

export function bitStrings(state: HealthState): Record<BitLetter, string> {
  const out = {} as Record<BitLetter, string>;
  for (const letter of BIT_LETTERS) out[letter] = registerString(letter, state.registers[letter]);
  return out;
}

/** The newest bit of each register, as the Backend_health line shows them (e.g. `4---X-RH`). */
export function latestBits(state: HealthState): string {
  let out = '';
  for (const letter of BIT_LETTERS) out += state.registers[letter] & 1n ? letter : '-';
  return out;
}
