// The edge cache's public surface: the pipeline and the process layer import from here only.
export { cachePolicy, seedBackendResponse, finalize, CACHEABLE_STATUSES } from './policy.ts';
export type { PolicyDecision, PolicyReason, PolicyRequest, PolicyResponse, Lifetimes, FreshnessSource } from './policy.ts';
export { parseSurrogateControl, parseSurrogateKeys, SURROGATE_CONTROL, SURROGATE_KEY } from './surrogate-control.ts';
export type { SurrogateControl } from './surrogate-control.ts';
export { ObjectBuilder, createObject, varyNames, varyMatches, OBJECT_OVERHEAD_BYTES } from './object.ts';
export type { CachedObject, ObjectHead, BuildOutcome, VaryField } from './object.ts';
export { CacheStore, CacheStoreOptionError, primaryKey, freshness } from './store.ts';
export type { CacheStoreOptions, CacheStats, Freshness, InsertOutcome, LookupResult } from './store.ts';
export { Collapser, CollapseOptionError } from './collapse.ts';
export type { Ticket, Leader, Waiter, Alone, LeaderResult, CollapseOutcome, CollapseStats, CollapserOptions } from './collapse.ts';
export { HitForPass, HIT_FOR_PASS_SECONDS, hitForPassSeconds } from './hit-for-pass.ts';
export { serveObject, stripEdgeFields, parseRange, ageOf, EDGE_ONLY_FIELDS } from './serve.ts';
export type { ServeRequest, ServedResponse, ByteRange } from './serve.ts';
export { applyPurge, isSoftPurge, newPurgeId } from './purge.ts';
export type { PurgeCommand, StorePurge } from './purge.ts';
export type { HeaderFields, StoredHeaders } from './fields.ts';
export { EdgeCache, DEFAULT_CACHE_BYTES, DEFAULT_MAX_OBJECT_BYTES, DEFAULT_COLLAPSE_WAIT_MS } from './edge-cache.ts';
export type { EdgeCacheOptions, StoreOutcome } from './edge-cache.ts';
