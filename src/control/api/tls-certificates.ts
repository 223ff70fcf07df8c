// /tls/certificates (Fastly: https://www.fastly.com/documentation/reference/api/tls/custom-certs/
// certificates/). A certificate is accepted only once its private key is uploaded, while valid,
// with a chain whose intermediates signed it (src/control/tls/pem.ts). PATCH replaces it with a
// reissued certificate, which must keep every domain of the current one (Fastly: "an exact
// matching list or a superset"), or renames it; activations using it serve the new one at once.
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import type { StoreTx, TlsCertificateRow } from '../../store/index.ts';
import { newServiceId } from '../versions.ts';
import { booleanAttribute, booleanFilter, checkQuery, includes, jsonApi, paginate, readData, stringAttribute, type Query, type RequestData } from '../tls/jsonapi.ts';
import { parseCertificateChain, type ParsedCertificate } from '../tls/pem.ts';
import { activationRef, certificateResource, included, readTlsRows, type TlsRows, tlsNow } from '../tls/resources.ts';
import type { ControlDeps } from './deps.ts';

const TAG = 'tls';
const ATTRIBUTES = ['cert_blob', 'name', 'allow_untrusted_root'];

/** The certificate in `data`, checked, with the uploaded key it needs. */
async function readCertificate(tx: StoreTx, data: RequestData, blob: string): Promise<ParsedCertificate> {
  // lacquer never checks a root's trust, so `allow_untrusted_root` (either value) changes nothing.
  booleanAttribute(data, 'allow_untrusted_root');
  const parsed = parseCertificateChain('data.attributes.cert_blob', blob, new Date());
  if (!(await tx.listTlsPrivateKeys()).some((k) => k.publicKeySha1 === parsed.publicKeySha1)) {
    throw new ApiError('badRequest', 'data.attributes.cert_blob: the private key of this certificate was never uploaded; POST it to /tls/private_keys first');
  }
  return parsed;
}

function fromParsed(id: string, name: string, p: ParsedCertificate, createdAt: string, updatedAt: string): TlsCertificateRow {
  return {
    id, name, certPem: p.certPem, publicKeySha1: p.publicKeySha1, issuedTo: p.issuedTo, issuer: p.issuer, serialNumber: p.serialNumber,
    signatureAlgorithm: p.signatureAlgorithm, notBefore: p.notBefore, notAfter: p.notAfter, domains: p.domains, createdAt, updatedAt,
  };
}

function one(c: TlsCertificateRow, rows: TlsRows, query: Query): unknown {
  const wanted = includes(query, ['tls_activations']);
  const data = certificateResource(c, rows, wanted.has('tls_activations'));
  if (wanted.size === 0) return { data };
  return { data, included: included(rows.activations.filter((a) => a.certificateId === c.id).map((a) => activationRef(a.id)), rows) };
}

const SORTS = ['created_at', 'not_before', 'not_after'] as const;

function sortCertificates(list: TlsCertificateRow[], sort: string | undefined): TlsCertificateRow[] {
  if (sort === undefined || sort === '') return list;
  const field = sort.replace(/^-/, '');
  if (!(SORTS as readonly string[]).includes(field)) throw new ApiError('badRequest', `sort: must be one of ${SORTS.join(', ')}, optionally after -`);
  const key = (c: TlsCertificateRow): string => (field === 'created_at' ? c.createdAt : field === 'not_before' ? c.notBefore : c.notAfter);
  const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return sort.startsWith('-') ? sorted.reverse() : sorted;
}

function dateFilter(query: Query, key: string): string | null {
  const raw = query[key];
  if (raw === undefined || raw === '') return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new ApiError('badRequest', `${key}: must be a date (2026-01-31 or 2026-01-31T00:00:00Z)`);
  return new Date(t).toISOString();
}

export function registerTlsCertificateRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;

  routes.add({ method: 'POST', url: '/tls/certificates', summary: 'Upload a TLS certificate (its key first)', tag: TAG, access: 'write' },
    jsonApi(async ({ body, query }) => {
      const data = readData(body, 'tls_certificate', ATTRIBUTES, []);
      const blob = stringAttribute(data, 'cert_blob');
      if (blob === null) throw new ApiError('badRequest', 'data.attributes.cert_blob: required, a PEM certificate with any intermediates after it');
      const result = await store.transaction(async (tx) => {
        const parsed = await readCertificate(tx, data, blob);
        const at = tlsNow();
        // Fastly: the name defaults to the certificate's Common Name or first SAN entry.
        const row = fromParsed(newServiceId(), stringAttribute(data, 'name') ?? parsed.commonName ?? parsed.domains[0], parsed, at, at);
        await tx.insertTlsCertificate(row);
        tx.publish({ type: 'tls' });
        return { row, rows: await readTlsRows(tx) };
      });
      return { status: 201, doc: one(result.row, result.rows, query) };
    }));

  routes.add({ method: 'GET', url: '/tls/certificates', summary: 'List TLS certificates', tag: TAG, access: 'read' },
    jsonApi(async ({ query }) => {
      checkQuery(query, ['filter[in_use]', 'filter[not_after]', 'filter[not_after][lte]', 'filter[tls_domains.id]', 'filter[tls_domains.id][match]', 'include', 'sort']);
      const wanted = includes(query, ['tls_activations']);
      const inUse = booleanFilter(query, 'filter[in_use]');
      const notAfter = dateFilter(query, 'filter[not_after]') ?? dateFilter(query, 'filter[not_after][lte]');
      const domain = query['filter[tls_domains.id]']?.toLowerCase();
      const match = query['filter[tls_domains.id][match]']?.toLowerCase();
      const rows = await store.transaction(readTlsRows);
      const list = sortCertificates(rows.certificates.filter((c) =>
        (inUse === null || rows.activations.some((a) => a.certificateId === c.id) === inUse)
        && (notAfter === null || c.notAfter <= notAfter)
        && (domain === undefined || domain === '' || c.domains.includes(domain))
        && (match === undefined || match === '' || c.domains.some((d) => d.includes(match)))), query.sort);
      const { page, links, meta } = paginate(query, '/tls/certificates', list);
      const data = page.map((c) => certificateResource(c, rows, wanted.has('tls_activations')));
      if (wanted.size === 0) return { doc: { data, links, meta } };
      const refs = rows.activations.filter((a) => page.some((c) => c.id === a.certificateId)).map((a) => activationRef(a.id));
      return { doc: { data, included: included(refs, rows), links, meta } };
    }));

  routes.add({ method: 'GET', url: '/tls/certificates/:id', summary: 'Describe a TLS certificate', tag: TAG, access: 'read' },
    jsonApi(async ({ params, query }) => {
      checkQuery(query, ['include']);
      const rows = await store.transaction(readTlsRows);
      const cert = rows.certificates.find((c) => c.id === params.id);
      if (cert === undefined) throw new ApiError('notFound', `no TLS certificate with id ${params.id}`);
      return { doc: one(cert, rows, query) };
    }));

  routes.add({ method: 'PATCH', url: '/tls/certificates/:id', summary: 'Replace a TLS certificate with a reissued one, or rename it', tag: TAG, access: 'write' },
    jsonApi(async ({ params, body, query }) => {
      const data = readData(body, 'tls_certificate', ATTRIBUTES, []);
      const blob = stringAttribute(data, 'cert_blob');
      const name = stringAttribute(data, 'name');
      if (blob === null && name === null) throw new ApiError('badRequest', 'data.attributes: give cert_blob (a reissued certificate), name, or both');
      const result = await store.transaction(async (tx) => {
        const current = (await tx.listTlsCertificates()).find((c) => c.id === params.id);
        if (current === undefined) throw new ApiError('notFound', `no TLS certificate with id ${params.id}`);
        let row: TlsCertificateRow = { ...current, name: name ?? current.name, updatedAt: tlsNow() };
        if (blob !== null) {
          const parsed = await readCertificate(tx, data, blob);
          const lost = current.domains.filter((d) => !parsed.domains.includes(d));
          if (lost.length > 0) {
            throw new ApiError('badRequest', `data.attributes.cert_blob: the new certificate must keep every domain of the current one; it lacks ${lost.join(', ')}`);
          }
          row = fromParsed(current.id, row.name, parsed, current.createdAt, row.updatedAt);
        }
        await tx.replaceTlsCertificate(row);
        tx.publish({ type: 'tls' });
        return { row, rows: await readTlsRows(tx) };
      });
      return { doc: one(result.row, result.rows, query) };
    }));

  routes.add({ method: 'DELETE', url: '/tls/certificates/:id', summary: 'Delete a TLS certificate no activation uses', tag: TAG, access: 'write' },
    jsonApi(async ({ params }) => {
      await store.transaction(async (tx) => {
        const rows = await readTlsRows(tx);
        if (!rows.certificates.some((c) => c.id === params.id)) throw new ApiError('notFound', `no TLS certificate with id ${params.id}`);
        const users = rows.activations.filter((a) => a.certificateId === params.id).map((a) => a.domain);
        if (users.length > 0) throw new ApiError('inUse', `certificate ${params.id} serves ${users.join(', ')}; delete or move those activations first`);
        await tx.deleteTlsCertificate(params.id);
        tx.publish({ type: 'tls' });
      });
      return {};
    }));
}
