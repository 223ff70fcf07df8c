// How lacquer runs Fastly's randomness, UUID, content negotiation and string functions that its
// tables declare (functions/misc.ts, query.ts, strings.ts). Random values come from node:crypto.
//
// Sources: Fastly's function reference (https://www.fastly.com/documentation/reference/vcl/functions/),
// pages randomness/, uuid/, content-negotiation/, strings/; RFC 4122 (UUIDs); RFC 9110 §12.5
// (Accept-*), RFC 4647 §3.4 (language lookup).
import { Buffer } from 'node:buffer';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Builder } from './define.ts';
import { binary, str, unary } from './build.ts';
import type { N, S } from './build.ts';

/** randomstr's characters when the call gives none: the 64 of base64 (Fastly's default). */
export const RANDOMSTR_DEFAULT = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `randomstr(len[, characters])`: len characters drawn uniformly from the set. */
export const RANDOMSTR: Builder = ([l, ch]) => {
  const len = l as N; const chars = ch as S | undefined;
  return (c, fr) => {
    const set = [...(chars === undefined ? RANDOMSTR_DEFAULT : str(chars(c, fr)) || RANDOMSTR_DEFAULT)];
    const n = Math.max(0, Math.min(len(c, fr), 65_536));
    let out = '';
    for (let i = 0; i < n; i++) out += set[randomInt(set.length)];
    return out;
  };
};

/** `randomint(from, to)`: an integer in [from, to], both included. */
export const RANDOMINT: Builder = ([a, b]) => {
  const from = a as N; const to = b as N;
  return (c, fr) => {
    const lo = from(c, fr); const hi = to(c, fr);
    return hi < lo ? lo : lo + Math.floor(Math.random() * (hi - lo + 1));
  };
};

// ── UUIDs (RFC 4122) ──
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const UUID_NAMESPACES = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
} as const;

export const UUID_V4: Builder = () => () => randomUUID();
export const uuidConstant = (value: string): Builder => () => () => value;
export const UUID_IS_VALID: Builder = unary((s) => UUID.test(s));
export const uuidIsVersion = (v: number): Builder => unary((s) => UUID.test(s) && s[14] === String(v) && /[89ab]/i.test(s[19]));

/** RFC 4122 §4.3: a name-based UUID (3: MD5, 5: SHA-1) of name in namespace; "" for a namespace that is no UUID. */
export const uuidNamed = (version: 3 | 5): Builder => binary((ns, name) => {
  if (!UUID.test(ns)) return '';
  const bytes = createHash(version === 3 ? 'md5' : 'sha1').update(Buffer.from(ns.replace(/-/g, ''), 'hex')).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | (version << 4);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});

// ── content negotiation ──
interface Preference { readonly value: string; readonly q: number; readonly order: number }

/** An Accept-* field as its values by preference: q descending, then as written (RFC 9110 §12.4.2). */
function preferences(header: string): Preference[] {
  return header.split(',').map((part, order) => {
    const [value, ...params] = part.split(';').map((s) => s.trim());
    const q = params.map((p) => /^q=([0-9.]+)$/i.exec(p)).find((m) => m !== null);
    return { value: value.toLowerCase(), q: q === undefined ? 1 : Number(q![1]), order };
  }).filter((p) => p.value !== '' && p.q > 0).sort((a, b) => b.q - a.q || a.order - b.order);
}

/**
 * `accept.language_lookup(available, default, header)`: the first of the colon-separated
 * available languages the header's ranges select, by RFC 4647 §3.4 lookup (a range that finds
 * nothing is shortened a subtag at a time), else the default. `accept.charset_lookup` and
 * `accept.encoding_lookup` match whole values (`*` matches the first available one).
 */
export const acceptLookup = (kind: 'language' | 'exact'): Builder => ([a, d, h]) => {
  const available = a as S; const fallback = d as S; const header = h as S;
  return (c, fr) => {
    const offered = str(available(c, fr)).split(':').filter((x) => x !== '');
    const lower = offered.map((x) => x.toLowerCase());
    for (const { value } of preferences(str(header(c, fr)))) {
      if (value === '*') { if (offered.length > 0) return offered[0]; continue; }
      let range = value;
      for (;;) {
        const i = lower.indexOf(range);
        if (i >= 0) return offered[i];
        const cut = range.lastIndexOf('-');
        if (kind !== 'language' || cut < 0) break;
        range = range.slice(0, cut).replace(/-[a-z0-9]$/, '');
      }
    }
    return fallback(c, fr);
  };
};

// ── strings ──
/** `std.strtol(s, base)`: C's strtol — leading space, a sign, `0x` for base 16 (and base 0), digits up to the first that is not one. */
export const STRTOL: Builder = ([x, y]) => {
  const s = x as S; const b = y as N;
  return (c, fr) => {
    let text = str(s(c, fr)).trimStart();
    let base = b(c, fr);
    let sign = 1;
    if (text[0] === '+' || text[0] === '-') { if (text[0] === '-') sign = -1; text = text.slice(1); }
    if ((base === 0 || base === 16) && /^0x[0-9a-f]/i.test(text)) { text = text.slice(2); base = 16; }
    else if (base === 0) base = text.startsWith('0') ? 8 : 10;
    if (base < 2 || base > 36) { c.fastlyError = 'EINVAL'; return 0; }
    let n = 0n;
    let digits = 0;
    for (const ch of text.toLowerCase()) {
      const d = Number.parseInt(ch, 36);
      if (Number.isNaN(d) || d >= base) break;
      n = n * BigInt(base) + BigInt(d);
      digits++;
    }
    if (digits === 0) { c.fastlyError = 'EINVAL'; return 0; }
    const max = 2n ** 63n - 1n;
    // Out of range: strtol's clamp to LONG_MAX / LONG_MIN, with ERANGE.
    if (n > max + (sign < 0 ? 1n : 0n)) { c.fastlyError = 'ERANGE'; return sign < 0 ? Number(-max - 1n) : Number(max); }
    return sign * Number(n);
  };
};

/** `std.atof(s)`: strtod's reading of the leading number, 0 when there is none. */
export const ATOF: Builder = unary((s) => { const n = Number.parseFloat(s); return Number.isNaN(n) ? 0 : n; });

/** `std.strcasecmp(s1, s2)`: whether the strings are equal ignoring ASCII case (Fastly returns a BOOL). */
export const STRCASECMP: Builder = binary((a, b) => a.toLowerCase() === b.toLowerCase());

/**
 * `substr(s, offset[, length])`: the characters from offset (from the end when negative), at most
 * length of them (all but the last -length when negative). An offset outside the string gives
 * "not set", as Fastly's page says.
 */
export const SUBSTR: Builder = ([x, o, l]) => {
  const s = x as S; const off = o as N; const len = l as N | undefined;
  return (c, fr) => {
    const text = str(s(c, fr));
    let start = off(c, fr);
    if (start < 0) start += text.length;
    if (start < 0 || start > text.length) return null;
    if (len === undefined) return text.slice(start);
    const n = len(c, fr);
    return n < 0 ? text.slice(start, Math.max(start, text.length + n)) : text.slice(start, start + n);
  };
};

/** `std.basename(s)` and `std.dirname(s)`: POSIX basename(3) and dirname(3). */
export const BASENAME: Builder = unary((s) => {
  if (s === '') return '.';
  const t = s.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
});
export const DIRNAME: Builder = unary((s) => {
  const t = s.replace(/\/+$/, '');
  if (t === '') return s.startsWith('/') ? '/' : '.';
  const i = t.lastIndexOf('/');
  if (i < 0) return '.';
  return t.slice(0, i).replace(/\/+$/, '') || '/';
});
