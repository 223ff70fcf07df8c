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
  /** serviceId → VCL name → override: an activation looks at its own service's only. */
  readonly #byService = new Map<string, Map<string, Override>>();

  admin(serviceId: string, name: string): AdminState {
    return this.#byService.get(serviceId)?.get(name)?.admin ?? 'auto';
  }

  /** When the override was set, or undefined under `auto`. */
  since(serviceId: string, name: string): number | undefined {
    return this.#byService.get(serviceId)?.get(name)?.at;
  }

  /** Sets (or with `auto` clears) an override; tells whether the admin state changed. */
  set(serviceId: string, name: string, admin: AdminState, now: number): boolean {
    let names = this.#byService.get(serviceId);
    const before = names?.get(name)?.admin ?? 'auto';
    if (before === admin) return false;
    if (admin === 'auto') {
      names?.delete(name);
      if (names?.size === 0) this.#byService.delete(serviceId);
    } else {
      if (names === undefined) this.#byService.set(serviceId, (names = new Map()));
      names.set(name, { admin, at: now });
    }
    return true;
  }

  /**
   * Drops the overrides of backends that an activation of `serviceId` removed: the service keeps
   * only the overrides of backends in `names`. A service that is deactivated for now is not
   * retained at all, so its overrides outlive the moment between an old version's deactivation
   * and the new one's activation, and come back if the service is activated again. Answers
   * the dropped ones.
   */
  retainService(serviceId: string, names: ReadonlySet<string>): BackendKey[] {
    const own = this.#byService.get(serviceId);
    if (own === undefined) return [];
    const dropped: BackendKey[] = [];
    for (const name of own.keys()) {
      if (names.has(name)) continue;
      own.delete(name);
      dropped.push({ serviceId, name });
    }
    if (own.size === 0) this.#byService.delete(serviceId);
    return dropped;
  }

  entries(): Array<BackendKey & { readonly admin: AdminState }> {
    return [...this.#byService].flatMap(([serviceId, names]) => [...names].map(([name, o]) => ({ serviceId, name, admin: o.admin })));
  }
}
