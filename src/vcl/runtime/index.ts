// Public surface of the VCL runtime, for the edge's pipeline: the error a broken invariant
// throws, and how values print. Compilation itself is src/vcl/compile/.
export { VclRuntimeError } from './errors.ts';
export { formatValue } from './value.ts';
export { compileRegex, translatePcre, RegexLimitError, REGEX_V8_FLAGS } from './regex/index.ts';
export type { VclTable } from './tables.ts';
export { RateCounter, PenaltyBox, RATECOUNTER_ENTRIES, PENALTYBOX_ENTRIES } from './ratelimit/index.ts';
export type { VclRateLimit } from './ratelimit/index.ts';
export { ABSENT_GEO, INVALID_GEO } from './geo.ts';
export type { GeoRecord, GeoLookup } from './geo.ts';
export { LiveAcl, replaceTable, type LiveAclSource, type LiveData, type LiveTableSource } from './live.ts';
