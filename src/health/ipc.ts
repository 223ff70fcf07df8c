// Health over node:cluster IPC. Only the primary process probes (one probe per identity per
// POP however many workers serve traffic); it sends each flip to every worker as a small
// structured-clone-safe message, and workers answer routing questions from a HealthView.

export interface HealthMessage {
  readonly type: 'health';
  readonly identity: string;
  readonly healthy: boolean;
}

export function healthMessage(identity: string, healthy: boolean): HealthMessage {
  return { type: 'health', identity, healthy };
}

export function isHealthMessage(m: unknown): m is HealthMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r.type === 'health' && typeof r.identity === 'string' && typeof r.healthy === 'boolean';
}

/** A worker's copy of the POP's health: identities it has not heard about count as healthy. */
export class HealthView {
  readonly #sick = new Set<string>();

  /** Applies a message if it is a health message; tells whether it was. */
  apply(message: unknown): boolean {
    if (!isHealthMessage(message)) return false;
    if (message.healthy) this.#sick.delete(message.identity);
    else this.#sick.add(message.identity);
    return true;
  }

  isHealthy(identity: string): boolean {
    return !this.#sick.has(identity);
  }
}
