// /tls/domains and /tls/configurations (Fastly: https://www.fastly.com/documentation/reference/
// api/tls/custom-certs/domains/ and …/tls/platform… configurations). A TLS domain is every name
// an uploaded certificate's SANs list; lacquer has no TLS subscriptions, so that relationship is
// always empty. Configurations: the one `--tls` listener (src/control/tls/resources.ts).
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { booleanFilter, checkQuery, includes, jsonApi, paginate } from '../tls/jsonapi.ts';
import {
  activationRef, certificateRef, configurationResource, DEFAULT_CONFIGURATION_ID, domainNames, domainResource, included, readTlsRows,
} from '../tls/resources.ts';
import type { ControlDeps } from './deps.ts';

const TAG = 'tls';

export function registerTlsDomainRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;

  routes.add({ method: 'GET', url: '/tls/domains', summary: 'List the domains named by uploaded certificates', tag: TAG, access: 'read' },
    jsonApi(async ({ query }) => {
      checkQuery(query, ['filter[in_use]', 'filter[tls_certificates.id]', 'filter[tls_subscriptions.id]', 'include', 'sort']);
      const wanted = includes(query, ['tls_activations', 'tls_certificates', 'tls_subscriptions']);
      const inUse = booleanFilter(query, 'filter[in_use]');
      const certificate = query['filter[tls_certificates.id]'] || undefined;
      const subscription = query['filter[tls_subscriptions.id]'] || undefined;
      const sort = query.sort ?? 'id';
      if (sort !== 'id' && sort !== '-id') throw new ApiError('badRequest', 'sort: must be id or -id');
      const rows = await store.transaction(readTlsRows);
      let names = domainNames(rows).filter((d) => (inUse === null || rows.activations.some((a) => a.domain === d) === inUse)
        && (certificate === undefined || rows.certificates.some((c) => c.id === certificate && c.domains.includes(d)))
        && subscription === undefined);
      if (sort === '-id') names = names.reverse();
      const { page, links, meta } = paginate(query, '/tls/domains', names);
      const data = page.map((d) => domainResource(d, rows));
      if (wanted.size === 0) return { doc: { data, links, meta } };
      const refs = page.flatMap((d) => [
        ...(wanted.has('tls_activations') ? rows.activations.filter((a) => a.domain === d).map((a) => activationRef(a.id)) : []),
        ...(wanted.has('tls_certificates') ? rows.certificates.filter((c) => c.domains.includes(d)).map((c) => certificateRef(c.id)) : []),
      ]);
      return { doc: { data, included: included(refs, rows), links, meta } };
    }));

  routes.add({ method: 'GET', url: '/tls/configurations', summary: 'List TLS configurations (lacquer has one)', tag: TAG, access: 'read' },
    jsonApi(async ({ query }) => {
      checkQuery(query, ['filter[bulk]', 'include']);
      includes(query, ['dns_records']);
      const bulk = booleanFilter(query, 'filter[bulk]');
      const { page, links, meta } = paginate(query, '/tls/configurations', bulk === true ? [] : [configurationResource()]);
      return { doc: { data: page, links, meta } };
    }));

  routes.add({ method: 'GET', url: '/tls/configurations/:id', summary: 'Describe a TLS configuration', tag: TAG, access: 'read' },
    jsonApi(async ({ params, query }) => {
      checkQuery(query, ['include']);
      includes(query, ['dns_records']);
      if (params.id !== DEFAULT_CONFIGURATION_ID) throw new ApiError('notFound', `no TLS configuration with id ${params.id} (lacquer has one: ${DEFAULT_CONFIGURATION_ID})`);
      return { doc: { data: configurationResource() } };
    }));
}
