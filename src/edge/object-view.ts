// `obj` in vcl_hit: the cached object as VCL reads it — its status, reason and header fields, the
// freshness it has left, its age, its hits and stale windows. A view, so VCL changing obj.* here
// does not change the stored object (lacquer stores objects immutable, object.ts).
//
// Source: Fastly's cache-object variables (https://www.fastly.com/documentation/reference/vcl/variables/cache-object/).
import type { CachedObject } from './cache/index.ts';
import type { EdgeObject } from './context.ts';
import { HeaderMap } from './header-map.ts';

export function objectView(o: CachedObject, now: number): EdgeObject {
  const inCache = Math.max(0, (now - o.storedAt) / 1000);
  return {
    status: o.status, response: o.reason, http: new HeaderMap({ ...o.headers }),
    ttl: o.ttl - inCache, age: o.initialAge + inCache, hits: o.hits,
    grace: o.grace, staleIfError: o.staleIfError,
  };
}
