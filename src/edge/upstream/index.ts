// The upstream exchange: every request the edge sends to an origin — a pass, a miss, and later
// a cluster or shield hop — goes through UpstreamPools.fetch, and every answer has the one
// shape of ./types.ts.
export { UpstreamPools, type UpstreamPoolsOptions } from './pools.ts';
export type { UpstreamRequest, FetchOptions, UpstreamResponse, BodyOutcome, ExchangeSettled } from './types.ts';
export { Resolver, systemLookup, resolverLookup, type LookupFn, type ResolvedAddress, type ResolverOptions } from './dns.ts';
export { tlsOptions, sniHostname, certHostname } from './tls.ts';
