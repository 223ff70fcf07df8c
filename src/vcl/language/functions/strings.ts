// Fastly's string and Unicode functions, from the function reference
// (https://www.fastly.com/documentation/reference/vcl/functions/strings/ and …/unicode/).
// Entries with a builder are the ones lacquer runs; define.ts explains an entry.
import { Buffer } from 'node:buffer';
import { atoi, urldecode, urlencode } from '../../runtime/strings.ts';
import { a, f, opt } from './define.ts';
import type { FunctionSpec } from './define.ts';
import { binary, str, substitute, ternary, unary } from './build.ts';
import type { N, S } from './build.ts';
import { ATOF, BASENAME, DIRNAME, STRCASECMP, STRTOL, SUBSTR } from './misc-builders.ts';

export const STRINGS: readonly FunctionSpec[] = [
  // ── strings ──
  f('urlencode', 'STRING', [a('input', 'STRING')], unary(urlencode)),
  f('urldecode', 'STRING', [a('input', 'STRING')], ([x]) => {
    const f = x as S;
    return (c, fr) => {
      const out = urldecode(str(f(c, fr)));
      if (out !== null) return out;
      c.fastlyError = 'EINVAL';
      return '';
    };
  }),
  f('regsub', 'STRING', [a('input', 'STRING'), a('pattern', 'REGEX'), a('replacement', 'STRING')], substitute(false)),
  f('regsuball', 'STRING', [a('input', 'STRING'), a('pattern', 'REGEX'), a('replacement', 'STRING')], substitute(true)),
  f('std.replace', 'STRING', [a('s', 'STRING'), a('target', 'STRING'), a('replacement', 'STRING')], ternary((s, t, r) => (t === '' ? s : s.replace(t, () => r)))),
  f('std.replaceall', 'STRING', [a('s', 'STRING'), a('target', 'STRING'), a('replacement', 'STRING')], ternary((s, t, r) => (t === '' ? s : s.split(t).join(r)))),
  f('std.replace_prefix', 'STRING', [a('s', 'STRING'), a('target', 'STRING'), a('replacement', 'STRING')]),
  f('std.replace_suffix', 'STRING', [a('s', 'STRING'), a('target', 'STRING'), a('replacement', 'STRING')]),
  f('json.escape', 'STRING', [a('string', 'STRING')]),
  f('xml_escape', 'STRING', [a('s', 'STRING')]),
  f('cstr_escape', 'STRING', [a('string', 'STRING')]),
  f('std.anystr2ip', 'IP', [a('addr', 'STRING'), a('fallback', 'STRING')]),
  f('std.atoi', 'INTEGER', [a('s', 'STRING')], unary(atoi)),
  f('std.atof', 'FLOAT', [a('s', 'STRING')], ATOF),
  f('std.ip', 'IP', [a('addr', 'STRING'), a('fallback', 'STRING')]),
  f('std.ip2str', 'STRING', [a('ip', 'IP')]),
  f('std.prefixof', 'BOOL', [a('s', 'STRING'), a('begins_with', 'STRING')], binary((s, p) => s.startsWith(p))),
  f('std.str2ip', 'IP', [a('addr', 'STRING'), a('fallback', 'STRING')]),
  f('std.strcasecmp', 'BOOL', [a('s1', 'STRING'), a('s2', 'STRING')], STRCASECMP),
  f('std.strlen', 'INTEGER', [a('s', 'STRING')], unary((s) => Buffer.byteLength(s, 'utf8'))),
  f('std.strpad', 'STRING', [a('s', 'STRING'), a('width', 'INTEGER'), a('pad', 'STRING')]),
  f('std.strrep', 'STRING', [a('s', 'STRING'), a('n', 'INTEGER')]),
  f('std.strrev', 'STRING', [a('s', 'STRING')]),
  f('std.strstr', 'STRING', [a('haystack', 'STRING'), a('needle', 'STRING')], binary((h, n) => { const at = h.indexOf(n); return at < 0 ? '' : h.slice(at); })),
  f('std.itoa', 'STRING', [a('value', 'INTEGER'), opt('base', 'INTEGER')], ([x, y]) => {
    const f = x as N;
    const base = y as N | undefined;
    if (base === undefined) return (c, fr) => String(f(c, fr));
    return (c, fr) => {
      const b = base(c, fr);
      if (b >= 2 && b <= 36) return f(c, fr).toString(b);
      c.fastlyError = 'EINVAL';
      return '';
    };
  }),
  f('std.itoa_charset', 'STRING', [a('value', 'INTEGER'), a('charset', 'STRING')]),
  f('std.strtol', 'INTEGER', [a('s', 'STRING'), a('base', 'INTEGER')], STRTOL),
  f('std.strtof', 'FLOAT', [a('s', 'STRING'), a('base', 'INTEGER')]),
  f('std.suffixof', 'BOOL', [a('s', 'STRING'), a('ends_with', 'STRING')], binary((s, e) => s.endsWith(e))),
  f('std.tolower', 'STRING', [a('s', 'STRING')], unary((s) => s.toLowerCase())),
  f('std.toupper', 'STRING', [a('s', 'STRING')], unary((s) => s.toUpperCase())),
  f('std.dirname', 'STRING', [a('s', 'STRING')], DIRNAME),
  f('std.basename', 'STRING', [a('s', 'STRING')], BASENAME),
  f('substr', 'STRING', [a('s', 'STRING'), a('offset', 'INTEGER'), opt('length', 'INTEGER')], SUBSTR),
  // ── unicode ──
  f('utf8.codepoint_count', 'INTEGER', [a('s', 'STRING')]),
  f('utf8.is_valid', 'BOOL', [a('s', 'STRING')]),
  f('utf8.strpad', 'STRING', [a('s', 'STRING'), a('count', 'INTEGER'), a('pad', 'STRING')]),
  f('utf8.substr', 'STRING', [a('s', 'STRING'), a('offset', 'INTEGER'), opt('length', 'INTEGER')]),
];
