// Passive health (Fastly backend `error_threshold`): this POP stops using a backend after that
// many consecutive connection / first-byte failures, without waiting for its probe to notice,
// and uses it again once a probe succeeds (`markProbeGood`). State is per probe identity
// (model/backend.ts `probeIdentity`), the unit the health engine reports on, so backends that
// share a probe also share this verdict. A backend without a probe has nothing to clear it, so
// its mark lapses after `probelessRecoveryMs` instead of lasting forever.
//
// Owner: one instance per worker, held by UpstreamPools; only outcome() and markProbeGood() change it.

import { probeIdentity, type BackendDefinition } from '../model/backend.ts';


interface State {
  failures: number;
  sickSince: number | null;
}

export interface PassiveHealthOptions {
  readonly probelessRecoveryMs?: number;
  readonly now?: () => number;
}

export class PassiveHealth {
  readonly #states = new Map<string, State>();
  readonly #probelessRecoveryMs: number;
  readonly #now: () => number;

  constructor(options: PassiveHealthOptions = {}) {
    this.#probelessRecoveryMs = options.probelessRecoveryMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Record one request's outcome: `failed` = a connection or first-byte failure. */
  outcome(b: BackendDefinition, failed: boolean): void {
    if (b.errorThreshold <= 0) return;
    const id = probeIdentity(b);
    let s = this.#states.get(id);
    if (!failed) {
      if (s !== undefined && s.sickSince === null) s.failures = 0;
      return;
    }
    if (s === undefined) {
      s = { failures: 0, sickSince: null };
      this.#states.set(id, s);
    }
    s.failures += 1;
    if (s.failures >= b.errorThreshold && s.sickSince === null) s.sickSince = this.#now();
  }

  isSick(b: BackendDefinition): boolean {
    if (b.errorThreshold <= 0) return false;
    const id = probeIdentity(b);
    const s = this.#states.get(id);
    if (s === undefined || s.sickSince === null) return false;
    if (b.probe === null && this.#now() - s.sickSince >= this.#probelessRecoveryMs) {
      this.#states.delete(id);
      return false;
    }
    return true;
  }

  /** The health engine saw a good probe for this identity: the passive mark is lifted. */
  markProbeGood(identity: string): void {
    this.#states.delete(identity);
  }
}
