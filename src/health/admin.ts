// Operators' overrides of a backend's health (`PUT /service/{sid}/health/{backend}`, like
// `varnishadm backend.set_health`). Who owns what: a probe and its verdict belong to an
// identity, which backends of several services may share (model/backend.ts probeIdentity); an
// override belongs to one service's backend, named by its VCL name, and is applied on top of
// the shared verdict. So one tenant's override never reaches another tenant's traffic. The
// registry keeps one AdminOverrides for the API, and each edge worker's HealthView keeps a
// copy learnt over IPC.

import type { AdminState } from './state.ts';

export interface BackendKey {
  readonly serviceId: string;
  /** The backend's VCL name (`F_origin` for the API backend `origin`). */
  readonly name: string;
}

interface Override {
  readonly admin: Exclude<AdminState, 'auto'>;
  /** Epoch ms when it was set. */
  readonly at: number;
}

// VCL names never contain NUL (they are VCL identifiers), so the last NUL splits the key
// unambiguously; cheaper than JSON for the 10,000 members of a large sync.
export const backendKey = (serviceId: string, name: string): string => `${serviceId}\u0000${name}`;

export const splitBackendKey = (key: string): BackendKey => {
  const at = key.lastIndexOf('\u0000');
  return { serviceId: key.slice(0, at), name: key.slice(at + 1) };
};

/** `auto` follows the probe; `healthy` and `sick` override it (Varnish's admin_health). */
export function effectiveHealth(admin: AdminState, sick: boolean): boolean {
  return admin === 'auto' ? !sick : admin === 'healthy';
}

export class AdminOverrides {
  readonly #byBackend = new Map<string, Override>();

  admin(serviceId: string, name: string): AdminState {
    return this.#byBackend.get(backendKey(serviceId, name))?.admin ?? 'auto';
  }

  /** When the override was set, or undefined under `auto`. */
  since(serviceId: string, name: string): number | undefined {
    return this.#byBackend.get(backendKey(serviceId, name))?.at;
  }

  /** Sets (or with `auto` clears) an override; tells whether the admin state changed. */
  set(serviceId: string, name: string, admin: AdminState, now: number): boolean {
    const key = backendKey(serviceId, name);
    const before = this.#byBackend.get(key)?.admin ?? 'auto';
    if (admin === 'auto') this.#byBackend.delete(key);
    else if (before !== admin) this.#byBackend.set(key, { admin, at: now });
    return before !== admin;
  }

  /**
   * Drops the overrides of backends that an activation removed: a service present in
   * `backends` (service → its VCL names) keeps only the overrides of backends it still has.
   * A service absent from it altogether (deactivated for now) keeps its overrides, so they
   * outlive the moment between an old version's deactivation and the new one's activation,
   * and come back if the service is activated again. Answers the dropped ones.
   */
  retain(backends: ReadonlyMap<string, ReadonlySet<string>>): BackendKey[] {
    const dropped: BackendKey[] = [];
    for (const key of this.#byBackend.keys()) {
      const k = splitBackendKey(key);
      const names = backends.get(k.serviceId);
      if (names !== undefined && !names.has(k.name)) {
        this.#byBackend.delete(key);
        dropped.push(k);
      }
    }
    return dropped;
  }

  entries(): Array<BackendKey & { readonly admin: AdminState }> {
    return [...this.#byBackend].map(([key, o]) => ({ ...splitBackendKey(key), admin: o.admin }));
  }
}
