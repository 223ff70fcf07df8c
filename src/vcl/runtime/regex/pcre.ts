// PCRE syntax → JavaScript RegExp syntax. Fastly VCL uses PCRE2
// (https://www.fastly.com/documentation/reference/vcl/regex/); lacquer matches with
// JavaScript's regular expression semantics after translating the PCRE syntax that JS
// spells differently. A pattern JS cannot express is a compile diagnostic, never a
// per-request surprise.
//
// Translated: leading option settings `(?i)` `(?s)` `(?m)` `(?x)` (whole-pattern only) →
// flags; `(?P<n>…)` / `(?P=n)` → `(?<n>…)` / `\k<n>`; `\A` → `^`; `\z` → `$`; `\Z` → end or
// before a final newline; `\h` → `[ \t]`; POSIX classes `[:alpha:]` and friends inside a
// bracket expression. Refused: possessive quantifiers, atomic groups `(?>…)`, recursion
// `(?R)`, conditionals `(?(…)…)`, `\G`, and option changes in mid-pattern.

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
