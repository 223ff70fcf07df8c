// Public surface of the edge's upstream layer: errors, header rules, directors, pools.
export { EDGE_ERRORS, EdgeError, toEdgeError, type EdgeErrorCode, type ErrorSource, type ErrorContext } from './errors.ts';
export {
  buildUpstreamHeaders, buildDownstreamHeaders, stripHopByHop, cdnLoopCount, isLoop,
  type InHeaders, type OutHeaders, type HeaderValue, type UpstreamHeaderContext,
} from './headers.ts';
export { DirectorSelection, selectBackend, directorHealthy, seededRandom, type SelectionContext } from './directors.ts';
export { Resolver, systemLookup, resolverLookup, type LookupFn, type ResolvedAddress, type ResolverOptions } from './dns.ts';
export { PassiveHealth, type PassiveHealthOptions } from './passive.ts';
export { UpstreamPools, type UpstreamRequest, type FetchOptions, type UpstreamPoolsOptions } from './upstream.ts';
export type { UpstreamResponse, BodyOutcome } from './response.ts';
export { tlsOptions, sniHostname, certHostname } from './tls.ts';
