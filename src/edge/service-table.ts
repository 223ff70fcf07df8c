// Host → service routing for one edge worker (DESIGN.md §4.4).
//
// Ownership: the worker's message loop is the only writer; request handlers only read.
// A swap builds new Maps and replaces the references together, so a request that looked up
// its service keeps that CompiledService object (and its backends) until it finishes,
// whatever is activated meanwhile.
//
// Wildcard domains (`*.example.com`, which Fastly accepts as a service's domain:
// https://docs.fastly.com/en/guides/working-with-domains). The exact name is tried first, so
// `www.example.com` in one service wins over `*.example.com` in another. The wildcard stands
// for exactly one label: `a.example.com` matches, `example.com` (the apex, which Fastly treats
// as a domain of its own) and `a.b.example.com` do not — the rule of a wildcard in a
// certificate (RFC 6125 §6.4.3, RFC 9525 §6.3), which is what lets such a name be served over
// HTTPS at all. One label means one candidate per host: the wildcard lookup is a second Map
// get, never a scan, and costs nothing when the exact name matched.

import type { CompiledService } from '../vcl/index.ts';

export class ServiceTable {
  #byHost: ReadonlyMap<string, CompiledService> = new Map();
  /** `*.example.com` is kept under `example.com`, the part the wildcard's label is followed by. */
  #byWildcardParent: ReadonlyMap<string, CompiledService> = new Map();
  #byId: ReadonlyMap<string, CompiledService> = new Map();

  /** The service for a request's Host header value (port and case ignored), or null. */
  lookup(host: string | undefined): CompiledService | null {
    if (host === undefined) return null;
    // Most clients send the domain exactly as configured: try it before normalising.
    const exact = this.#byHost.get(host);
    if (exact !== undefined) return exact;
    const name = normaliseHost(host);
    return this.#byHost.get(name) ?? (this.#byWildcardParent.size === 0 ? null : this.#wildcard(name));
  }

  #wildcard(name: string): CompiledService | null {
    const dot = name.indexOf('.');
    // No label before the dot (`.example.com`) or an IPv6 literal: nothing a wildcard covers.
    if (dot <= 0 || name.startsWith('[')) return null;
    return this.#byWildcardParent.get(name.slice(dot + 1)) ?? null;
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
    // Last in iteration order: if two services ever list one domain (a move between them,
    // seen mid-way), the one installed last routes it.
    byId.delete(service.serviceId);
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
    const byWildcardParent = new Map<string, CompiledService>();
    for (const service of byId.values()) {
      for (const domain of service.domains) {
        const name = normaliseHost(domain);
        if (name.startsWith('*.')) byWildcardParent.set(name.slice(2), service);
        else byHost.set(name, service);
      }
    }
    this.#byId = byId;
    this.#byHost = byHost;
    this.#byWildcardParent = byWildcardParent;
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
