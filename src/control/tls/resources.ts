// The TLS rows as Fastly's JSON:API resources (https://www.fastly.com/documentation/reference/
// api/tls/custom-certs/): tls_private_key, tls_certificate, tls_activation, tls_domain and the
// one tls_configuration lacquer has. A private key's PEM is never part of any of them: only
// its metadata (name, type, length, public key hash), as Fastly answers.
import type { StoreTx, TlsActivationRow, TlsCertificateRow, TlsPrivateKeyRow } from '../../store/index.ts';
import type { Identifier, Resource } from './jsonapi.ts';

/**
 * Fastly accounts have TLS configurations (protocols offered per IP pool); lacquer's `--tls`
 * listener has one, offered by every activation. Its id is what `fastly tls-custom activation
 * enable --tls-config-id` names.
 */
export const DEFAULT_CONFIGURATION_ID = 'default';
const CONFIGURATION_SINCE = '2026-01-01T00:00:00.000Z';

/** Fastly's TLS API stamps times with milliseconds (`2024-06-17T16:47:53.000Z`), unlike the service API. */
export function tlsNow(): string {
  return new Date().toISOString();
}

/** Every TLS row, read in one transaction: the lists are small (one per certificate an operator uploads). */
export interface TlsRows {
  readonly keys: readonly TlsPrivateKeyRow[];
  readonly certificates: readonly TlsCertificateRow[];
  readonly activations: readonly TlsActivationRow[];
}

export async function readTlsRows(tx: StoreTx): Promise<TlsRows> {
  return { keys: await tx.listTlsPrivateKeys(), certificates: await tx.listTlsCertificates(), activations: await tx.listTlsActivations() };
}

const ref = (type: string) => (id: string): Identifier => ({ id, type });
export const certificateRef = ref('tls_certificate');
export const activationRef = ref('tls_activation');
export const domainRef = ref('tls_domain');
export const configurationRef = ref('tls_configuration');

export function keyResource(k: TlsPrivateKeyRow): Resource {
  return {
    id: k.id, type: 'tls_private_key',
    attributes: { name: k.name, key_length: k.keyLength, key_type: k.keyType, public_key_sha1: k.publicKeySha1, replace: false, created_at: k.createdAt },
  };
}

/** `withActivations`: the request asked to include them, so the relationship is listed too. */
export function certificateResource(c: TlsCertificateRow, rows: TlsRows, withActivations = false): Resource {
  const relationships: Record<string, { data: Identifier[] }> = { tls_domains: { data: c.domains.map(domainRef) } };
  if (withActivations) relationships.tls_activations = { data: rows.activations.filter((a) => a.certificateId === c.id).map((a) => activationRef(a.id)) };
  return {
    id: c.id, type: 'tls_certificate',
    attributes: {
      name: c.name, issued_to: c.issuedTo, issuer: c.issuer, serial_number: c.serialNumber, signature_algorithm: c.signatureAlgorithm,
      not_before: c.notBefore, not_after: c.notAfter, replace: false, created_at: c.createdAt, updated_at: c.updatedAt,
    },
    relationships,
  };
}

export function activationResource(a: TlsActivationRow): Resource {
  return {
    id: a.id, type: 'tls_activation',
    attributes: { created_at: a.createdAt },
    relationships: {
      tls_certificate: { data: certificateRef(a.certificateId) },
      tls_configuration: { data: configurationRef(a.configurationId) },
      tls_domain: { data: domainRef(a.domain) },
    },
  };
}

/** Every domain named by an uploaded certificate's SANs (Fastly's tls_domains), in byte order. */
export function domainNames(rows: TlsRows): string[] {
  return [...new Set(rows.certificates.flatMap((c) => c.domains))].sort();
}

export function domainResource(name: string, rows: TlsRows): Resource {
  return {
    id: name, type: 'tls_domain',
    relationships: {
      tls_activations: { data: rows.activations.filter((a) => a.domain === name).map((a) => activationRef(a.id)) },
      tls_certificates: { data: rows.certificates.filter((c) => c.domains.includes(name)).map((c) => certificateRef(c.id)) },
      tls_subscriptions: { data: [] },
    },
  };
}

export function configurationResource(): Resource {
  return {
    id: DEFAULT_CONFIGURATION_ID, type: 'tls_configuration',
    attributes: {
      name: 'lacquer --tls listener', default: true, bulk: false,
      // What the `--tls` listener negotiates (DESIGN.md §4.4): HTTP/2 and HTTP/1.1 by ALPN, Node's TLS 1.2 and 1.3.
      http_protocols: ['http/1.1', 'http/2'], tls_protocols: ['1.2', '1.3'],
      created_at: CONFIGURATION_SINCE, updated_at: CONFIGURATION_SINCE,
    },
    relationships: { dns_records: { data: [] } },
  };
}

/** The resources of `include` for `identifiers`, each once, those that exist. */
export function included(identifiers: readonly Identifier[], rows: TlsRows): Resource[] {
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (const { id, type } of identifiers) {
    const key = `${type}/${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (type === 'tls_certificate') {
      const c = rows.certificates.find((x) => x.id === id);
      if (c !== undefined) out.push(certificateResource(c, rows));
    } else if (type === 'tls_activation') {
      const a = rows.activations.find((x) => x.id === id);
      if (a !== undefined) out.push(activationResource(a));
    } else if (type === 'tls_domain') {
      out.push(domainResource(id, rows));
    } else if (type === 'tls_configuration' && id === DEFAULT_CONFIGURATION_ID) {
      out.push(configurationResource());
    }
  }
  return out;
}
