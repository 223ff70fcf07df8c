// Public surface of the edge: errors, header rules, directors, pools, and the worker runtime.
export { EDGE_ERRORS, EdgeError, toEdgeError, type EdgeErrorCode, type ErrorSource, type ErrorContext } from './errors.ts';
export {
  buildUpstreamHeaders, buildDownstreamHeaders, stripHopByHop, cdnLoopCount, isLoop,
  type InHeaders, type OutHeaders, type HeaderValue, type UpstreamHeaderContext,
} from './headers.ts';
export { DirectorSelection, selectBackend, directorHealthy, seededRandom, type SelectionContext } from './directors.ts';
export { PassiveHealth, type PassiveHealthOptions } from './passive.ts';
export {
  UpstreamPools, Resolver, systemLookup, resolverLookup, tlsOptions, sniHostname, certHostname,
  type UpstreamRequest, type FetchOptions, type UpstreamPoolsOptions, type UpstreamResponse, type BodyOutcome,
  type LookupFn, type ResolvedAddress, type ResolverOptions,
} from './upstream/index.ts';
// The worker runtime and the request path.
export { EdgeRuntime, type EdgeRuntimeOptions } from './runtime.ts';
export { Pipeline, MAX_RESTARTS, type PipelineOptions } from './pipeline.ts';
export { ServiceTable, normaliseHost } from './service-table.ts';
export { EdgeServer, type EdgeServerOptions } from './server.ts';
export { isToWorker, type ToWorker, type FromWorker } from './messages.ts';
