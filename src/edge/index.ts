// Public surface of the edge: errors, header rules, directors, pools, and the worker runtime.
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
// The worker runtime and the request path.
export { EdgeRuntime, type EdgeRuntimeOptions } from './runtime.ts';
export { Pipeline, MAX_RESTARTS, type PipelineOptions } from './pipeline.ts';
export { ServiceTable, normaliseHost } from './service-table.ts';
export { EdgeServer, type EdgeServerOptions } from './server.ts';
export { isToWorker, type ToWorker, type FromWorker } from './messages.ts';
