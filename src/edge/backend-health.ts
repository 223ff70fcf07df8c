// Whether this worker may send a request to a backend of a service: the POP's health engine
// says so (the shared probe's verdict, or this service's override of this backend, learnt
// over IPC) and passive health has not taken it out (error_threshold). A director is healthy
// as directorHealthy judges its members (quorum included).
import { probeIdentity, type BackendDefinition } from '../model/backend.ts';
import type { HealthView } from '../health/ipc.ts';
import type { CompiledService } from '../vcl/index.ts';
import { directorHealthy } from './directors.ts';
import type { PassiveHealth } from './passive.ts';


export class BackendHealth {
  readonly #view: HealthView;
  readonly #passive: PassiveHealth;

  constructor(view: HealthView, passive: PassiveHealth) {
    this.#view = view;
    this.#passive = passive;
  }

  /** A backend of `service`: overrides are per service, so the same definition may differ between two. */
  backend(service: CompiledService, b: BackendDefinition): boolean {
    return this.#view.isBackendHealthy(service.serviceId, b.name, probeIdentity(b)) && !this.#passive.isSick(b);
  }

  /** A backend or director by VCL name (`req.backend.healthy`, `backend.F_x.healthy`); unknown names are sick. */
  named(service: CompiledService, name: string): boolean {
    const b = service.backends.get(name);
    if (b !== undefined) return this.backend(service, b);
    const d = service.directors.get(name);
    if (d !== undefined) return directorHealthy(d, (member) => this.named(service, member));
    return false;
  }
}
