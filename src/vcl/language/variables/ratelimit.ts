// Closures of `ratecounter.NAME.bucket.Ns` and `ratecounter.NAME.rate.Ns` (misc.ts declares
// them): the counts of the entry this request last incremented in rate counter NAME
// (runtime/ratelimit/check.ts says why per request). NAME is the use's `{name}`, resolved once.
import { counterReading } from '../../runtime/ratelimit/index.ts';
import type { Implementation } from './define.ts';
import { ro } from './define.ts';

export function rateCounterVariable(kind: 'bucket' | 'rate', seconds: number): Implementation {
  return ({ param }) => {
    const name = param ?? '';
    return ro((c) => counterReading(c.rateLimit, name, seconds, kind, Date.now()));
  };
}
