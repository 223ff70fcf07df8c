// Fastly's edge rate limiting as the VCL runtime runs it: rate counters, penalty boxes and the
// ratelimit.* functions over them. Pure (time is a parameter); the edge owns the instances and
// shares the counts between the workers of a node (src/edge/ratelimit/).
export { RateCounter, RATECOUNTER_ENTRIES, HISTORY_SECONDS } from './rate-counter.ts';
export type { IncrementListener } from './rate-counter.ts';
export { PenaltyBox, PENALTYBOX_ENTRIES, ttlMinutes } from './penalty-box.ts';
export type { AddListener } from './penalty-box.ts';
export { checkRates, incrementCounter, penaltyBoxAdd, penaltyBoxHas, counterReading, MAX_ENTRY_BYTES, WINDOWS } from './check.ts';
export type { VclRateLimit, ErrorSink, RateCheck } from './check.ts';
