// Builders shared by the cache tests: objects with given lifetimes, a clock the test moves.
import { createObject, type CachedObject } from '../../../src/edge/cache/object.ts';
import type { HeaderFields } from '../../../src/edge/cache/fields.ts';
import type { Lifetimes } from '../../../src/edge/cache/policy.ts';

export const T0 = Date.parse('2025-01-01T00:00:00Z');

export class Clock {
  now = T0;
  readonly read = (): number => this.now;
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }
}

export interface ObjectSpec {
  readonly serviceId?: string;
  readonly status?: number;
  readonly body?: Buffer | string;
  readonly headers?: HeaderFields;
  readonly requestHeaders?: HeaderFields;
  readonly lifetimes?: Partial<Lifetimes>;
  readonly surrogateKeys?: readonly string[];
  readonly at?: number;
}

export function object(spec: ObjectSpec = {}): CachedObject {
  const body = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body ?? Buffer.from('hello');
  return createObject({
    serviceId: spec.serviceId ?? 's1',
    status: spec.status ?? 200,
    reason: 'OK',
    headers: spec.headers ?? {},
    requestHeaders: spec.requestHeaders ?? {},
    lifetimes: { store: true, reason: 'cacheable', ttl: 60, grace: 0, staleIfError: 0, ...spec.lifetimes },
    surrogateKeys: spec.surrogateKeys ?? [],
  }, body, spec.at ?? T0);
}

/** A deterministic PRNG, so a failing size test can be replayed (the one the directors use). */
export { seededRandom as prng } from '../../../src/edge/directors.ts';
