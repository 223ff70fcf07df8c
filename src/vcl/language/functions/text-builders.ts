// Builders of Fastly's string, escaping, address, Unicode and binary functions that lacquer
// added for real-world VCL (function reference: …/functions/strings/, …/unicode/,
// …/miscellaneous/). Each follows its reference page; where the page is silent the choice and
// why is said next to it. VCL strings are JavaScript strings here, so "a character" is a Unicode
// code point and the UTF-8 functions count code points.
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { isIP, isIPv4 } from 'node:net';
import type { VclContext } from '../../compile/compiled.ts';
import type { Builder } from './define.ts';
import { str, ternary, unary } from './build.ts';
import type { N, S } from './build.ts';

/** std.replace_prefix / std.replace_suffix: `target` replaced only where it begins (ends) `s`. */
export const replacePrefix = ternary((s, t, r) => (t !== '' && s.startsWith(t) ? r + s.slice(t.length) : s));
export const replaceSuffix = ternary((s, t, r) => (t !== '' && s.endsWith(t) ? s.slice(0, s.length - t.length) + r : s));

const hex4 = (n: number): string => `\\u${n.toString(16).toUpperCase().padStart(4, '0')}`;
const JSON_SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/**
 * json.escape, by the reference's rules in order: `"` and `\` backslashed, \b \t \n \f \r, other
 * controls (≤ 0x1F, 0x7F, U+2028, U+2029) as \uHHHH, code points beyond U+FFFF as their UTF-16
 * surrogate pair in \uHHHH form, everything else as is.
 */
export function jsonEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = JSON_SHORT[ch];
    if (short !== undefined) out += short;
    else if (cp <= 0x1f || cp === 0x7f || cp === 0x2028 || cp === 0x2029) out += hex4(cp);
    else if (cp > 0xffff) out += hex4(ch.charCodeAt(0)) + hex4(ch.charCodeAt(1));
    else out += ch;
  }
  return out;
}

/** xml_escape: XML's five predefined entities (XML 1.0 §4.6). */
export const xmlEscape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const C_SHORT: Readonly<Record<number, string>> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r' };
/** cstr_escape: the UTF-8 bytes as a C string literal's body; bytes outside printable ASCII as \xHH. */
export function cstrEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const short = C_SHORT[b];
    if (short !== undefined) out += short;
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * An IPv4 address in any inet_aton(3) form std.anystr2ip accepts: one to four parts, each
 * decimal, octal (leading 0) or hexadecimal (0x); the last part fills the remaining bytes.
 */
function anyIPv4(s: string): string | null {
  const parts = s.split('.');
  if (parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(p);
    if (m === null) return null;
    nums.push(m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : parseInt(m[3], 10));
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null;
  let value = last;
  nums.forEach((n, i) => { value += n * 256 ** (3 - i); });
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** An address as VCL's IP reads it, or null when it is none. */
const ipOf = (s: string, any: boolean): string | null => {
  const t = s.trim();
  if (isIP(t) !== 0) return t;
  return any ? anyIPv4(t) : null;
};

/**
 * std.ip, std.str2ip and std.anystr2ip: the address, else the fallback; a fallback that is no
 * address either sets fastly.error to EINVAL and the result is not set (the reference: the
 * fallback "must be a valid IP").
 */
export function toIp(any: boolean): Builder {
  return ([a, f]) => {
    const addr = a as S; const fallback = f as S;
    return (c, fr) => {
      const ip = ipOf(str(addr(c, fr)), any) ?? ipOf(str(fallback(c, fr)), any);
      if (ip === null) c.fastlyError = 'EINVAL';
      return ip;
    };
  };
}

export const isIpv4 = unary((s) => isIPv4(s));

/** The address as a 128-bit number, an IPv4 address padded with zeros on the left (addr.extract_bits). */
function ipBits(ip: string): bigint | null {
  if (isIPv4(ip)) return ip.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
  if (isIP(ip) !== 6) return null;
  const [head, tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const groups = (part: string): string[] => {
    if (part === '') return [];
    const gs = part.split(':');
    const last = gs[gs.length - 1];
    // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
    if (last.includes('.')) { const v4 = ipBits(last)!; gs.splice(-1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)); }
    return gs;
  };
  const h = groups(head); const t = groups(tail);
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** addr.extract_bits: bit_count bits from start_bit, bit 0 the lowest of the last byte; 0 for no address. */
export const EXTRACT_BITS: Builder = ([a, s, n]) => {
  const ip = a as S; const start = s as N; const count = n as N;
  return (c, fr) => {
    const bits = ipBits(str(ip(c, fr)));
    const from = start(c, fr); const width = Math.min(32, count(c, fr));
    if (bits === null || from < 0 || from >= 128 || width <= 0) return 0;
    return Number((bits >> BigInt(from)) & ((1n << BigInt(width)) - 1n));
  };
};

/**
 * std.strpad and utf8.strpad: `s` padded to `width` characters with `pad` repeated (and cut);
 * a positive width pads on the left (right-justifies), a negative one on the right. A string
 * already as wide, or an empty pad, is returned as is.
 */
export const STRPAD: Builder = ([a, w, p]) => {
  const s = a as S; const width = w as N; const pad = p as S;
  return (c, fr) => {
    const text = str(s(c, fr)); const fill = Array.from(str(pad(c, fr)));
    const n = width(c, fr);
    const missing = Math.abs(n) - Array.from(text).length;
    if (missing <= 0 || fill.length === 0) return text;
    const padding = Array.from({ length: missing }, (_, i) => fill[i % fill.length]).join('');
    return n > 0 ? padding + text : text + padding;
  };
};

export const STRREP: Builder = ([a, b]) => {
  const s = a as S; const n = b as N;
  return (c, fr) => str(s(c, fr)).repeat(Math.max(0, Math.min(n(c, fr), 1_000_000)));
};
export const strrev = (s: string): string => Array.from(s).reverse().join('');

/** utf8.substr: substr() counted in code points (offset and length may be negative, as substr's). */
export const UTF8_SUBSTR: Builder = ([x, o, l]) => {
  const s = x as S; const off = o as N; const len = l as N | undefined;
  return (c, fr) => {
    const chars = Array.from(str(s(c, fr)));
    let start = off(c, fr);
    if (start < 0) start += chars.length;
    if (start < 0 || start > chars.length) return null;
    if (len === undefined) return chars.slice(start).join('');
    const n = len(c, fr);
    return (n < 0 ? chars.slice(start, Math.max(start, chars.length + n)) : chars.slice(start, start + n)).join('');
  };
};
export const codepointCount = (s: string): number => Array.from(s).length;
/** A string with no lone surrogate is one UTF-8 can encode. */
export const utf8Valid = (s: string): boolean => s.isWellFormed();

/** bin.hex_to_base64 / bin.base64_to_hex; input that is not hex (base64) sets fastly.error and gives not set. */
export const HEX_TO_BASE64: Builder = ([a]) => {
  const s = a as S;
  return (c: VclContext, fr) => {
    const h = str(s(c, fr));
    if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) { c.fastlyError = 'EINVAL'; return null; }
    return Buffer.from(h, 'hex').toString('base64');
  };
};
export const BASE64_TO_HEX: Builder = ([a]) => {
  const s = a as S;
  return (c: VclContext, fr) => {
    const b = str(s(c, fr));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b) || b.replace(/=+$/, '').length % 4 === 1) { c.fastlyError = 'EINVAL'; return null; }
    return Buffer.from(b, 'base64').toString('hex').toUpperCase();
  };
};

/** std.strtof: a float in base 10 (or 16, with a 0x prefix optional), the longest valid prefix; 0 and EINVAL when none. */
export const STRTOF: Builder = ([a, b]) => {
  const s = a as S; const base = b as N;
  return (c, fr) => {
    const text = str(s(c, fr)).trim();
    const radix = base(c, fr);
    const m = radix === 16 ? /^[+-]?(?:0[xX])?[0-9a-fA-F]+/.exec(text) : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text);
    if (m === null || (radix !== 10 && radix !== 16 && radix !== 0)) { c.fastlyError = 'EINVAL'; return 0; }
    return radix === 16 ? parseInt(m[0].replace(/0[xX]/, ''), 16) * (m[0].startsWith('-') ? -1 : 1) : Number(m[0]);
  };
};

/** A number in [0, 1) determined by the seed alone: randomint_seeded and randombool_seeded repeat for one seed. */
function seeded(seed: number): number {
  const h = createHash('sha256').update(String(seed)).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}
export const RANDOMINT_SEEDED: Builder = ([a, b, s]) => {
  const from = a as N; const to = b as N; const seed = s as N;
  return (c, fr) => {
    const lo = from(c, fr); const hi = to(c, fr);
    return hi < lo ? lo : lo + Math.floor(seeded(seed(c, fr)) * (hi - lo + 1));
  };
};
export const RANDOMBOOL_SEEDED: Builder = ([a, b, s]) => {
  const num = a as N; const den = b as N; const seed = s as N;
  return (c, fr) => { const d = den(c, fr); return d > 0 && seeded(seed(c, fr)) < num(c, fr) / d; };
};

/** uuid.version7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, version 7, variant 10. */
export const UUID_V7: Builder = () => () => {
  const bytes = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
