// Host → service routing for one edge worker (DESIGN.md §4.4).
//
// Ownership: the worker's message loop is the only writer; request handlers only read.
// A change is applied between two requests (the loop runs one at a time), and a request that
// looked up its service keeps that CompiledService object (and its backends) until it
// finishes, whatever is activated meanwhile. A change costs the domains of the service it
// installs or removes, not the number of other services: with 10,000 active services,
// rebuilding the maps on every activation cost ~10 ms and made garbage for the collector
// (bench/macro/activation.bench.ts).
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
  readonly #byHost = new Map<string, CompiledService>();
  /** `*.example.com` is kept under `example.com`, the part the wildcard's label is followed by. */
  readonly #byWildcardParent = new Map<string, CompiledService>();
  /** In the order the services were last installed. */
  readonly #byId = new Map<string, CompiledService>();
  /**
   * Every service that lists a name (normalised; wildcards as `*.parent`), in the order they
   * were installed: the last one routes it. Nearly always one; two while a domain moves
   * between services, seen mid-way.
   */
  readonly #claims = new Map<string, CompiledService[]>();

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
    const old = this.#byId.get(service.serviceId);
    if (old !== undefined) this.#unclaim(old);
    // Last in iteration order: if two services ever list one domain (a move between them,
    // seen mid-way), the one installed last routes it.
    this.#byId.delete(service.serviceId);
    this.#byId.set(service.serviceId, service);
    for (const name of new Set(service.domains.map(normaliseHost))) {
      let claims = this.#claims.get(name);
      if (claims === undefined) this.#claims.set(name, (claims = []));
      claims.push(service);
      this.#route(name);
    }
  }

  remove(serviceId: string): void {
    const old = this.#byId.get(serviceId);
    if (old === undefined) return;
    this.#byId.delete(serviceId);
    this.#unclaim(old);
  }

  #unclaim(service: CompiledService): void {
    for (const name of new Set(service.domains.map(normaliseHost))) {
      const claims = (this.#claims.get(name) ?? []).filter((s) => s !== service);
      if (claims.length === 0) this.#claims.delete(name);
      else this.#claims.set(name, claims);
      this.#route(name);
    }
  }

  /** Points a name at its last claimant, or at nothing. */
  #route(name: string): void {
    const service = this.#claims.get(name)?.at(-1);
    const [map, key] = name.startsWith('*.') ? [this.#byWildcardParent, name.slice(2)] : [this.#byHost, name];
    if (service === undefined) map.delete(key);
    else map.set(key, service);
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
