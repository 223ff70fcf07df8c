// What every request of one edge worker shares beyond its service: the POP's rate counters and
// penalty boxes (./ratelimit/) and the operator's geolocation database (./geo/, null when
// `--geoip-db` is not given). The runtime owns one; a RequestContext reads it only when VCL uses
// rate limiting or geolocation, so requests that do not pay nothing.
import type { GeoLookup } from '../vcl/index.ts';
import { PopRateLimits } from './ratelimit/pop-rate-limits.ts';

export interface PopState {
  readonly rateLimits: PopRateLimits;
  readonly geo: GeoLookup | null;
}

/** A worker alone, without a database (tests and benches that build contexts themselves). */
export function standalonePopState(): PopState {
  return { rateLimits: new PopRateLimits(), geo: null };
}
