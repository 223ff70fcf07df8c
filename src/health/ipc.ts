// Health over node:cluster IPC. Only the primary process probes (one probe per identity per
// POP however many workers serve traffic); it sends each flip of a probe's verdict, and each
// operator override of one service's backend (admin.ts), to every worker as a small
// structured-clone-safe message, and workers answer routing questions from a HealthView.

import { ADMIN_STATES, type AdminState } from './state.ts';
import { AdminOverrides, effectiveHealth } from './admin.ts';

export type HealthMessage =
  /** The verdict of the probe shared by every backend with this identity. */
  | { readonly type: 'health'; readonly identity: string; readonly healthy: boolean }
  /** One service's override of one backend (VCL name); `auto` removes it. */
  | { readonly type: 'health'; readonly serviceId: string; readonly backend: string; readonly admin: AdminState };

export function healthMessage(identity: string, healthy: boolean): HealthMessage {
  return { type: 'health', identity, healthy };
}

export function adminMessage(serviceId: string, backend: string, admin: AdminState): HealthMessage {
  return { type: 'health', serviceId, backend, admin };
}

export function isHealthMessage(m: unknown): m is HealthMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (r.type !== 'health') return false;
  if (typeof r.identity === 'string') return typeof r.healthy === 'boolean';
  return typeof r.serviceId === 'string' && typeof r.backend === 'string' && (ADMIN_STATES as readonly unknown[]).includes(r.admin);
}

/** A worker's copy of the POP's health: identities it has not heard about count as healthy. */
export class HealthView {
  readonly #sick = new Set<string>();
  readonly #admin = new AdminOverrides();

  /** Applies a message if it is a health message; tells whether it was. */
  apply(message: unknown): boolean {
    if (!isHealthMessage(message)) return false;
    if ('identity' in message) {
      if (message.healthy) this.#sick.delete(message.identity);
      else this.#sick.add(message.identity);
    } else {
      this.#admin.set(message.serviceId, message.backend, message.admin, 0);
    }
    return true;
  }

  /** The shared probe's verdict. */
  isHealthy(identity: string): boolean {
    return !this.#sick.has(identity);
  }

  /** What routing uses for one service's backend: its override, else the shared probe's verdict. */
  isBackendHealthy(serviceId: string, name: string, identity: string): boolean {
    return effectiveHealth(this.#admin.admin(serviceId, name), this.#sick.has(identity));
  }
}
