// Host → service routing for one edge worker (DESIGN.md §4.4).
//
// Ownership: the worker's message loop is the only writer; request handlers only read.
// A swap builds a new Map and replaces the reference in one assignment, so a request that
// looked up its service keeps that CompiledService object (and its backends) until it
// finishes, whatever is activated meanwhile.

import type { CompiledService } from '../vcl/compiled.ts';

export class ServiceTable {
  #byHost: ReadonlyMap<string, CompiledService> = new Map();
  #byId: ReadonlyMap<string, CompiledService> = new Map();

  /** The service for a request's Host header value (port and case ignored), or null. */
  lookup(host: string | undefined): CompiledService | null {
    if (host === undefined) return null;
    // Most clients send the domain exactly as configured: try it before normalising.
    return this.#byHost.get(host) ?? this.#byHost.get(normaliseHost(host)) ?? null;
  }

  get(serviceId: string): CompiledService | null {
    return this.#byId.get(serviceId) ?? null;
  }

  services(): IterableIterator<CompiledService> {
    return this.#byId.values();
  }

  /** Installs or replaces a service; its domains route to it from the next request on. */
  put(service: CompiledService): void {
    const byId = new Map(this.#byId);
    byId.set(service.serviceId, service);
    this.#rebuild(byId);
  }

  remove(serviceId: string): void {
    if (!this.#byId.has(serviceId)) return;
    const byId = new Map(this.#byId);
    byId.delete(serviceId);
    this.#rebuild(byId);
  }

  #rebuild(byId: Map<string, CompiledService>): void {
    const byHost = new Map<string, CompiledService>();
    for (const service of byId.values()) {
      for (const domain of service.domains) byHost.set(normaliseHost(domain), service);
    }
    this.#byId = byId;
    this.#byHost = byHost;
  }
}

/** `Example.COM:8080` → `example.com`; `[::1]:80` → `[::1]`. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close === -1 ? h : h.slice(0, close + 1);
  }
  const colon = h.indexOf(':');
  if (colon !== -1 && h.indexOf(':', colon + 1) === -1) h = h.slice(0, colon);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}
