// Compiled regular expressions by pattern, shared by the checker (which must know that a pattern
// runs before it accepts it) and the compiler (which runs it), and across the services of a
// process: each pattern is translated and compiled once, not once per reader. A compiled regex
// holds no per-request state between calls (regex/index.ts), so sharing it is safe. Bounded, so
// patterns of services long gone do not pile up.
import { LRUCache } from 'lru-cache';
import { compileRegex } from './regex/index.ts';
import type { RegexResult } from './regex/index.ts';

const compiled = new LRUCache<string, RegexResult>({ max: 10_000 });

/** The compiled pattern, or why it cannot run. */
export function regexFor(pattern: string): RegexResult {
  let r = compiled.get(pattern);
  if (r === undefined) {
    r = compileRegex(pattern);
    compiled.set(pattern, r);
  }
  return r;
}
