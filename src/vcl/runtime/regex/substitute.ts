// regsub and regsuball (https://www.fastly.com/documentation/reference/vcl/functions/strings/regsub/):
// the replacement's `\0`–`\9` are the match and its groups, as Varnish's VRT_regsub expands them.
import type { RegexMatch, VclRegex } from './index.ts';

/**
 * Expands a regsub replacement: `\0`–`\9` are the match and its groups (unmatched → empty),
 * any other character is literal. Pre-parsed so the per-request work is a join.
 */
export function parseReplacement(replacement: string): (m: RegexMatch) => string {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    const n = replacement.charCodeAt(i + 1);
    if (c === '\\' && n >= 48 && n <= 57) {
      if (lit !== '') { parts.push(lit); lit = ''; }
      parts.push(n - 48);
      i++;
    } else {
      lit += c;
    }
  }
  if (lit !== '') parts.push(lit);
  if (parts.every((p) => typeof p === 'string')) {
    const text = parts.join('');
    return () => text;
  }
  return (m) => {
    let s = '';
    for (const p of parts) s += typeof p === 'string' ? p : (m[p] ?? '');
    return s;
  };
}

/** `regsub`: replaces the first match (Varnish VRT_regsub with all = 0). */
export function regsub(input: string, re: VclRegex, expand: (m: RegexMatch) => string): string {
  const m = re.exec(input, 0);
  if (m === null) return input;
  return input.slice(0, m.index) + expand(m) + input.slice(m.index + m[0].length);
}

/** `regsuball`: replaces every non-overlapping match. */
export function regsuball(input: string, re: VclRegex, expand: (m: RegexMatch) => string): string {
  let out = '';
  let last = 0;
  let matched = false;
  for (let m = re.exec(input, 0); m !== null; ) {
    matched = true;
    out += input.slice(last, m.index) + expand(m);
    last = m.index + m[0].length;
    // An empty match must still advance, or the loop would never end.
    const from = m[0].length === 0 ? last + 1 : last;
    m = from > input.length ? null : re.exec(input, from);
  }
  return matched ? out + input.slice(last) : input;
}
