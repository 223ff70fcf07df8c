// An edge worker's certificate table: which certificate a handshake for a server name gets
// (DESIGN.md §4.4 HTTPS). Built from TlsMaterial (src/model/tls.ts), replaced whole with each
// new generation in one assignment, so a handshake sees the old table or the new one and
// connections already open keep the certificate they were given.
//
// Lookup, as Fastly's TLS matches activations and RFC 6125 §6.4.3 matches names: the exact
// name first, then a wildcard `*.example.com`, which covers exactly one label
// (`a.example.com`, not `example.com` nor `a.b.example.com`). No match is no certificate: the
// listener refuses the handshake (./listener.ts), never falls back to another domain's.

import tls from 'node:tls';
import type { TlsActivationMaterial, TlsMaterial } from '../../model/tls.ts';
import { secureContextOptions } from './policy.ts';

export interface CertificateProblem {
  readonly domain: string;
  readonly certificateId: string;
  readonly message: string;
}

interface Entry {
  readonly context: tls.SecureContext;
  readonly certificateId: string;
}

interface Table {
  readonly exact: ReadonlyMap<string, Entry>;
  /** `*.example.com` under `example.com`. */
  readonly wildcard: ReadonlyMap<string, Entry>;
}

const EMPTY: Table = { exact: new Map(), wildcard: new Map() };

export class CertificateTable {
  #table: Table = EMPTY;
  #generation = -1;
  /** Contexts by certificate and key, kept across generations: an unchanged one is not rebuilt. */
  #contexts = new Map<string, tls.SecureContext>();

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#table.exact.size + this.#table.wildcard.size;
  }

  /**
   * Swaps in `material` unless it is older than what the table holds (a late copy never wins).
   * A domain whose certificate or key OpenSSL refuses is left out and reported; the others serve.
   */
  replace(material: TlsMaterial): { readonly applied: boolean; readonly problems: readonly CertificateProblem[] } {
    if (material.generation < this.#generation) return { applied: false, problems: [] };
    const problems: CertificateProblem[] = [];
    const exact = new Map<string, Entry>();
    const wildcard = new Map<string, Entry>();
    const contexts = new Map<string, tls.SecureContext>();
    for (const a of material.activations) {
      const key = `${a.certPem}\0${a.keyPem}`;
      let context = contexts.get(key) ?? this.#contexts.get(key);
      if (context === undefined) {
        try {
          context = build(a);
        } catch (err) {
          problems.push({ domain: a.domain, certificateId: a.certificateId, message: (err as Error).message });
          continue;
        }
      }
      contexts.set(key, context);
      const domain = normalise(a.domain);
      const entry = { context, certificateId: a.certificateId };
      if (domain.startsWith('*.')) wildcard.set(domain.slice(2), entry);
      else exact.set(domain, entry);
    }
    this.#table = { exact, wildcard };
    this.#contexts = contexts;
    this.#generation = material.generation;
    return { applied: true, problems };
  }

  /** The certificate for a server name (lower-case), or null: refuse the handshake. */
  lookup(servername: string): tls.SecureContext | null {
    return this.#entry(servername)?.context ?? null;
  }

  /** The id of the certificate serving a name (logs and tests). */
  certificateFor(servername: string): string | null {
    return this.#entry(servername)?.certificateId ?? null;
  }

  #entry(servername: string): Entry | undefined {
    const t = this.#table;
    const found = t.exact.get(servername);
    if (found !== undefined) return found;
    const dot = servername.indexOf('.');
    return dot > 0 ? t.wildcard.get(servername.slice(dot + 1)) : undefined;
  }
}

function build(a: TlsActivationMaterial): tls.SecureContext {
  return tls.createSecureContext({ ...secureContextOptions(), cert: a.certPem, key: a.keyPem });
}

function normalise(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}
