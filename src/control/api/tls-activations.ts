// /tls/activations (Fastly: https://www.fastly.com/documentation/reference/api/tls/custom-certs/
// activations/): which certificate serves a domain over HTTPS. A domain is activated once, with
// a certificate whose SANs name it; a wildcard certificate is activated for its wildcard name
// (`*.example.com`), which then serves every name one label below it. PATCH moves the domain to
// another certificate. Every change reaches every edge node as a `tls` Store event.
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import type { TlsActivationRow, TlsCertificateRow } from '../../store/index.ts';
import { newServiceId } from '../versions.ts';
import { checkQuery, includes, jsonApi, paginate, readData, type Query } from '../tls/jsonapi.ts';
import { sanCovers } from '../tls/pem.ts';
import {
  activationResource, certificateRef, configurationRef, DEFAULT_CONFIGURATION_ID, domainRef, included, readTlsRows, tlsNow, type TlsRows,
} from '../tls/resources.ts';
import type { ControlDeps } from './deps.ts';

const TAG = 'tls';
const INCLUDES = ['tls_certificate', 'tls_configuration', 'tls_domain'];

function certificateFor(rows: TlsRows, id: string): TlsCertificateRow {
  const cert = rows.certificates.find((c) => c.id === id);
  if (cert === undefined) throw new ApiError('badRequest', `data.relationships.tls_certificate: no TLS certificate with id ${id}`);
  return cert;
}

/** Refuses a domain the certificate does not name, saying what to activate instead when a wildcard covers it. */
function checkCovers(cert: TlsCertificateRow, domain: string): void {
  if (cert.domains.includes(domain)) return;
  const wildcard = cert.domains.find((san) => sanCovers(san, domain));
  if (wildcard !== undefined) {
    throw new ApiError('badRequest',
      `data.relationships.tls_domain: ${domain} is covered by the certificate's wildcard; a wildcard certificate is activated for its wildcard name, ${wildcard}`);
  }
  throw new ApiError('badRequest', `data.relationships.tls_domain: ${domain} is not among certificate ${cert.id}'s domains (${cert.domains.join(', ')})`);
}

function refuseMutualTls(relationships: Readonly<Record<string, string>>): void {
  if (relationships.mutual_authentication !== undefined) {
    throw new ApiError('badRequest', 'data.relationships.mutual_authentication: mutual TLS is not supported by lacquer');
  }
}

function document(data: TlsActivationRow | readonly TlsActivationRow[], rows: TlsRows, query: Query, extra: Record<string, unknown> = {}): unknown {
  const wanted = includes(query, INCLUDES);
  const list = Array.isArray(data) ? data as readonly TlsActivationRow[] : [data as TlsActivationRow];
  const doc: Record<string, unknown> = { data: Array.isArray(data) ? list.map(activationResource) : activationResource(data as TlsActivationRow) };
  if (wanted.size > 0) {
    doc.included = included(list.flatMap((a) => [
      ...(wanted.has('tls_certificate') ? [certificateRef(a.certificateId)] : []),
      ...(wanted.has('tls_configuration') ? [configurationRef(a.configurationId)] : []),
      ...(wanted.has('tls_domain') ? [domainRef(a.domain)] : []),
    ]), rows);
  }
  return { ...doc, ...extra };
}

export function registerTlsActivationRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;

  routes.add({ method: 'POST', url: '/tls/activations', summary: 'Serve a domain over HTTPS with a certificate', tag: TAG, access: 'write' },
    jsonApi(async ({ body, query }) => {
      const data = readData(body, 'tls_activation', [], ['tls_certificate', 'tls_configuration', 'tls_domain', 'mutual_authentication']);
      refuseMutualTls(data.relationships);
      const certificateId = data.relationships.tls_certificate;
      if (certificateId === undefined) throw new ApiError('badRequest', 'data.relationships.tls_certificate: required');
      const rawDomain = data.relationships.tls_domain;
      if (rawDomain === undefined) throw new ApiError('badRequest', 'data.relationships.tls_domain: required');
      const domain = rawDomain.toLowerCase();
      const configurationId = data.relationships.tls_configuration ?? DEFAULT_CONFIGURATION_ID;
      if (configurationId !== DEFAULT_CONFIGURATION_ID) {
        throw new ApiError('badRequest', `data.relationships.tls_configuration: no TLS configuration with id ${configurationId} (lacquer has one: ${DEFAULT_CONFIGURATION_ID})`);
      }
      const result = await store.transaction(async (tx) => {
        const rows = await readTlsRows(tx);
        checkCovers(certificateFor(rows, certificateId), domain);
        const taken = rows.activations.find((a) => a.domain === domain);
        if (taken !== undefined) throw new ApiError('duplicate', `data.relationships.tls_domain: ${domain} is already activated (activation ${taken.id})`);
        const at = tlsNow();
        const row: TlsActivationRow = { id: newServiceId(), domain, certificateId, configurationId, createdAt: at, updatedAt: at };
        await tx.insertTlsActivation(row);
        tx.publish({ type: 'tls' });
        return { row, rows: await readTlsRows(tx) };
      });
      return { doc: document(result.row, result.rows, query) };
    }));

  routes.add({ method: 'GET', url: '/tls/activations', summary: 'List TLS activations', tag: TAG, access: 'read' },
    jsonApi(async ({ query }) => {
      checkQuery(query, ['filter[tls_certificate.id]', 'filter[tls_configuration.id]', 'filter[tls_domain.id]', 'include']);
      const [cert, config, domain] = ['filter[tls_certificate.id]', 'filter[tls_configuration.id]', 'filter[tls_domain.id]'].map((k) => query[k] || undefined);
      const rows = await store.transaction(readTlsRows);
      const list = rows.activations.filter((a) => (cert === undefined || a.certificateId === cert)
        && (config === undefined || a.configurationId === config) && (domain === undefined || a.domain === domain.toLowerCase()));
      const { page, links, meta } = paginate(query, '/tls/activations', list);
      return { doc: document(page, rows, query, { links, meta }) };
    }));

  routes.add({ method: 'GET', url: '/tls/activations/:id', summary: 'Describe a TLS activation', tag: TAG, access: 'read' },
    jsonApi(async ({ params, query }) => {
      checkQuery(query, ['include']);
      const rows = await store.transaction(readTlsRows);
      const activation = rows.activations.find((a) => a.id === params.id);
      if (activation === undefined) throw new ApiError('notFound', `no TLS activation with id ${params.id}`);
      return { doc: document(activation, rows, query) };
    }));

  routes.add({ method: 'PATCH', url: '/tls/activations/:id', summary: 'Serve an activated domain with another certificate', tag: TAG, access: 'write' },
    jsonApi(async ({ params, body, query }) => {
      const data = readData(body, 'tls_activation', [], ['tls_certificate', 'mutual_authentication']);
      refuseMutualTls(data.relationships);
      const certificateId = data.relationships.tls_certificate;
      if (certificateId === undefined) throw new ApiError('badRequest', 'data.relationships.tls_certificate: required');
      const result = await store.transaction(async (tx) => {
        const rows = await readTlsRows(tx);
        const current = rows.activations.find((a) => a.id === params.id);
        if (current === undefined) throw new ApiError('notFound', `no TLS activation with id ${params.id}`);
        checkCovers(certificateFor(rows, certificateId), current.domain);
        const row: TlsActivationRow = { ...current, certificateId, updatedAt: tlsNow() };
        await tx.replaceTlsActivation(row);
        tx.publish({ type: 'tls' });
        return { row, rows: await readTlsRows(tx) };
      });
      return { doc: document(result.row, result.rows, query) };
    }));

  routes.add({ method: 'DELETE', url: '/tls/activations/:id', summary: 'Stop serving a domain over HTTPS', tag: TAG, access: 'write' },
    jsonApi(async ({ params }) => {
      await store.transaction(async (tx) => {
        if (!(await tx.listTlsActivations()).some((a) => a.id === params.id)) throw new ApiError('notFound', `no TLS activation with id ${params.id}`);
        await tx.deleteTlsActivation(params.id);
        tx.publish({ type: 'tls' });
      });
      return {};
    }));
}
