// Regular expressions: Fastly VCL uses PCRE (https://www.fastly.com/documentation/reference/vcl/regex/);
// lacquer runs them on JavaScript's RegExp after a translation of the PCRE syntax that JS
// spells differently. Patterns are always literals in VCL, so each is translated and
// compiled once, when the service is compiled; a pattern JS cannot express is a compile
// diagnostic, never a per-request surprise.
//
// Translated: leading option settings `(?i)` `(?s)` `(?m)` `(?x)` (whole-pattern only) →
// flags; `(?P<n>…)` / `(?P=n)` → `(?<n>…)` / `\k<n>`; `\A` → `^`; `\z` → `$`; `\Z` → end or
// before a final newline; `\h` → `[ \t]`; POSIX classes `[:alpha:]` and friends inside a
// bracket expression. Refused: possessive quantifiers, atomic groups `(?>…)`, recursion
// `(?R)`, conditionals `(?(…)…)`, `\G`, and option changes in mid-pattern.

export type RegexResult = { ok: true; regex: RegExp } | { ok: false; message: string };

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f',
  word: '\\w', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

/** PCRE pattern → JS RegExp source and flags, or the reason it cannot be translated. */
export function translatePcre(pattern: string): { source: string; flags: string } | { error: string } {
  let flags = '';
  let i = 0;
  // Leading option settings, e.g. `(?i)` or `(?is)`, apply to the whole pattern.
  for (let m = /^\(\?([imsx]+)\)/.exec(pattern); m !== null; m = /^\(\?([imsx]+)\)/.exec(pattern.slice(i))) {
    for (const f of m[1]) {
      if (f === 'x') return { error: 'extended mode (?x) is not supported' };
      if (!flags.includes(f)) flags += f;
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) return { error: 'pattern ends with a backslash' };
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'z') out += '$(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?$(?![\\s\\S]))';
      else if (n === 'h') out += inClass ? ' \\t' : '[ \\t]';
      else if (n === 'G') return { error: '\\G is not supported' };
      else out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const name = end < 0 ? '' : pattern.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls === undefined) return { error: `unknown POSIX class [:${name}:]` };
        if (negated) return { error: `negated POSIX class [:${name}:] is not supported` };
        out += cls;
        i = end + 2;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // A `]` right after `[` or `[^` is a literal in PCRE; JS needs it escaped.
      if (pattern[i] === '^') { out += '^'; i++; }
      if (pattern[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('P<')) { out += '(?<'; i += 4; continue; }
      const backref = /^P=(\w+)\)/.exec(rest);
      if (backref !== null) { out += `\\k<${backref[1]}>`; i += 2 + backref[0].length; continue; }
      if (rest.startsWith('>')) return { error: 'atomic groups (?>…) are not supported' };
      if (rest.startsWith('R') || /^\d/.test(rest)) return { error: 'recursion (?R) is not supported' };
      if (rest.startsWith('(')) return { error: 'conditional groups (?(…)…) are not supported' };
      if (/^[imsx-]+\)/.test(rest)) return { error: 'option settings are only supported at the start of the pattern' };
    }
    if ((c === '+') && i > 0 && /[*+?}]/.test(pattern[i - 1]) && pattern[i - 2] !== '\\') {
      return { error: 'possessive quantifiers (*+, ++, ?+) are not supported' };
    }
    out += c;
    i++;
  }
  return { source: out, flags };
}

/** Translates and compiles once; the caller keeps the RegExp for the service's lifetime. */
export function compileRegex(pattern: string, extraFlags = ''): RegexResult {
  const t = translatePcre(pattern);
  if ('error' in t) return { ok: false, message: t.error };
  try {
    return { ok: true, regex: new RegExp(t.source, t.flags + extraFlags) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/**
 * Expands a regsub replacement: `\0`–`\9` are the match and its groups (unmatched → empty),
 * any other character is literal. Pre-parsed so the per-request work is a join.
 */
export function parseReplacement(replacement: string): (m: RegExpExecArray) => string {
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
export function regsub(input: string, re: RegExp, expand: (m: RegExpExecArray) => string): string {
  re.lastIndex = 0;
  const m = re.exec(input);
  if (m === null) return input;
  return input.slice(0, m.index) + expand(m) + input.slice(m.index + m[0].length);
}

/** `regsuball`: replaces every non-overlapping match; `re` must carry the `g` flag. */
export function regsuball(input: string, re: RegExp, expand: (m: RegExpExecArray) => string): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let matched = false;
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    matched = true;
    out += input.slice(last, m.index) + expand(m);
    last = m.index + m[0].length;
    // An empty match must still advance, or the loop would never end.
    if (m[0].length === 0) re.lastIndex++;
  }
  return matched ? out + input.slice(last) : input;
}
