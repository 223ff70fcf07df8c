// Builtin functions lacquer runs (https://www.fastly.com/documentation/reference/vcl/functions/).
// Each entry states its parameters and builds, at compile time, one closure for a call
// site: arguments are converted once to the parameter types, regex patterns are translated
// and compiled once, table names are resolved to the table itself.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Eval } from './value.ts';
import type { VclType } from './types.ts';
import { getSubfield } from './headers.ts';
import type { VclRegex } from './regex/index.ts';
import { parseReplacement, regsub, regsuball } from './regex/index.ts';
import { atoi, qsGet, qsRemove, qsSet, qsSort, statusMatches, urldecode, urlencode } from './strings.ts';

/** A compiled `table NAME [TYPE] { … }`. */
export interface VclTable {
  readonly name: string;
  readonly type: VclType;
  readonly entries: ReadonlyMap<string, unknown>;
}

/** Parameter kinds: a value type, a literal regex, a literal replacement, or a table name. */
export type Param = VclType | 'REGEX' | 'TABLE';

/** What a call site's arguments become before the builder sees them. */
export type Arg = Eval<unknown> | VclRegex | VclTable;

export interface BuiltinFunction {
  readonly returns: VclType;
  readonly params: readonly Param[];
  /** How many trailing parameters may be omitted. */
  readonly optional?: number;
  /** Builds the call's closure; `literals[i]` is argument i's literal text when it is one. */
  build(args: readonly Arg[], literals: readonly (string | undefined)[]): Eval<unknown>;
}

type S = Eval<string | null>;
type N = Eval<number>;
const str = (s: string | null): string => s ?? '';

const unary = (fn: (s: string) => string): BuiltinFunction => ({
  returns: 'STRING', params: ['STRING'],
  build: ([a]) => { const f = a as S; return (c, fr) => fn(str(f(c, fr))); },
});

const hash = (alg: string): BuiltinFunction => unary((s) => createHash(alg).update(s).digest('hex'));

function regsubBuiltin(all: boolean): BuiltinFunction {
  return {
    returns: 'STRING', params: ['STRING', 'REGEX', 'STRING'],
    build: ([input, re, rep], literals) => {
      const f = input as S;
      const regex = re as VclRegex;
      const apply = all ? regsuball : regsub;
      const lit = literals[2];
      if (lit !== undefined) {
        const expand = parseReplacement(lit);
        return (c, fr) => apply(str(f(c, fr)), regex, expand);
      }
      const r = rep as S;
      return (c, fr) => apply(str(f(c, fr)), regex, parseReplacement(str(r(c, fr))));
    },
  };
}

export const BUILTINS: Readonly<Record<string, BuiltinFunction>> = {
  'regsub': regsubBuiltin(false),
  'regsuball': regsubBuiltin(true),
  'std.tolower': unary((s) => s.toLowerCase()),
  'std.toupper': unary((s) => s.toUpperCase()),
  'std.strlen': {
    returns: 'INTEGER', params: ['STRING'],
    build: ([a]) => { const f = a as S; return (c, fr) => Buffer.byteLength(str(f(c, fr)), 'utf8'); },
  },
  'std.atoi': {
    returns: 'INTEGER', params: ['STRING'],
    build: ([a]) => { const f = a as S; return (c, fr) => atoi(str(f(c, fr))); },
  },
  'std.itoa': {
    returns: 'STRING', params: ['INTEGER', 'INTEGER'], optional: 1,
    build: ([a, b]) => {
      const f = a as N;
      const base = b as N | undefined;
      if (base === undefined) return (c, fr) => String(f(c, fr));
      return (c, fr) => {
        const b = base(c, fr);
        if (b >= 2 && b <= 36) return f(c, fr).toString(b);
        c.fastlyError = 'EINVAL';
        return '';
      };
    },
  },
  'std.prefixof': {
    returns: 'BOOL', params: ['STRING', 'STRING'],
    build: ([a, b]) => { const f = a as S; const g = b as S; return (c, fr) => str(f(c, fr)).startsWith(str(g(c, fr))); },
  },
  'std.suffixof': {
    returns: 'BOOL', params: ['STRING', 'STRING'],
    build: ([a, b]) => { const f = a as S; const g = b as S; return (c, fr) => str(f(c, fr)).endsWith(str(g(c, fr))); },
  },
  'std.strstr': {
    returns: 'STRING', params: ['STRING', 'STRING'],
    build: ([a, b]) => {
      const f = a as S; const g = b as S;
      return (c, fr) => { const h = str(f(c, fr)); const at = h.indexOf(str(g(c, fr))); return at < 0 ? '' : h.slice(at); };
    },
  },
  'std.replace': {
    returns: 'STRING', params: ['STRING', 'STRING', 'STRING'],
    build: ([a, b, d]) => {
      const f = a as S; const g = b as S; const h = d as S;
      return (c, fr) => { const t = str(g(c, fr)); const s = str(f(c, fr)); return t === '' ? s : s.replace(t, () => str(h(c, fr))); };
    },
  },
  'std.replaceall': {
    returns: 'STRING', params: ['STRING', 'STRING', 'STRING'],
    build: ([a, b, d]) => {
      const f = a as S; const g = b as S; const h = d as S;
      return (c, fr) => { const t = str(g(c, fr)); const s = str(f(c, fr)); return t === '' ? s : s.split(t).join(str(h(c, fr))); };
    },
  },
  'querystring.get': {
    returns: 'STRING', params: ['STRING', 'STRING'],
    build: ([a, b]) => { const f = a as S; const g = b as S; return (c, fr) => qsGet(str(f(c, fr)), str(g(c, fr))); },
  },
  'querystring.set': {
    returns: 'STRING', params: ['STRING', 'STRING', 'STRING'],
    build: ([a, b, d]) => {
      const f = a as S; const g = b as S; const h = d as S;
      return (c, fr) => qsSet(str(f(c, fr)), str(g(c, fr)), str(h(c, fr)));
    },
  },
  'querystring.remove': unary(qsRemove),
  'querystring.sort': unary(qsSort),
  'subfield': {
    returns: 'STRING', params: ['STRING', 'STRING', 'STRING'], optional: 1,
    build: ([a, b, d]) => {
      const f = a as S; const g = b as S; const sep = d as S | undefined;
      if (sep === undefined) return (c, fr) => getSubfield(f(c, fr), str(g(c, fr)), ',');
      return (c, fr) => getSubfield(f(c, fr), str(g(c, fr)), str(sep(c, fr)) || ',');
    },
  },
  'urlencode': unary(urlencode),
  'urldecode': {
    returns: 'STRING', params: ['STRING'],
    build: ([a]) => {
      const f = a as S;
      return (c, fr) => {
        const out = urldecode(str(f(c, fr)));
        if (out !== null) return out;
        c.fastlyError = 'EINVAL';
        return '';
      };
    },
  },
  'digest.hash_md5': hash('md5'),
  'digest.hash_sha1': hash('sha1'),
  'digest.hash_sha256': hash('sha256'),
  'digest.base64': unary((s) => Buffer.from(s, 'utf8').toString('base64')),
  'digest.base64_decode': unary((s) => Buffer.from(s, 'base64').toString('utf8')),
  'randombool': {
    returns: 'BOOL', params: ['INTEGER', 'INTEGER'],
    build: ([a, b]) => { const n = a as N; const d = b as N; return (c, fr) => Math.random() * d(c, fr) < n(c, fr); },
  },
  'http_status_matches': {
    returns: 'BOOL', params: ['INTEGER', 'STRING'],
    build: ([a, b]) => { const n = a as N; const l = b as S; return (c, fr) => statusMatches(n(c, fr), str(l(c, fr))); },
  },
  'addr.is_ipv6': {
    returns: 'BOOL', params: ['IP'],
    build: ([a]) => { const f = a as S; return (c, fr) => str(f(c, fr)).includes(':'); },
  },
  'table.lookup': {
    returns: 'STRING', params: ['TABLE', 'STRING', 'STRING'], optional: 1,
    build: ([t, k, d]) => {
      const entries = (t as VclTable).entries as ReadonlyMap<string, string>;
      const key = k as S; const def = d as S | undefined;
      if (def === undefined) return (c, fr) => entries.get(str(key(c, fr))) ?? null;
      return (c, fr) => entries.get(str(key(c, fr))) ?? def(c, fr);
    },
  },
  'table.contains': {
    returns: 'BOOL', params: ['TABLE', 'STRING'],
    build: ([t, k]) => { const entries = (t as VclTable).entries; const key = k as S; return (c, fr) => entries.has(str(key(c, fr))); },
  },
};
