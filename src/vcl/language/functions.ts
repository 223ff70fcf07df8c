// Fastly's builtin VCL functions, as data: name, argument types, return type, and whether
// lacquer runs it (`runtime`). The checker rejects a call to a function Fastly lacks
// ("unknown function") or one lacquer does not run yet, and checks the argument count and,
// where the argument's type is evident, its type. The compiler binds each runtime function.
//
// Source: Fastly's function reference, https://www.fastly.com/documentation/reference/vcl/functions/
// (one page per function, "Format: RETURN name(TYPE arg, …)"). Only functions whose
// signature we are sure of are listed; an unlisted name is reported as unknown.
import type { VclType } from './types.ts';

export interface ArgumentSpec {
  readonly name: string;
  /** `TABLE`: the name of a declared table; `ID`: a bare name such as a header variable. */
  readonly type: VclType;
  /** Trailing arguments that may be left out. */
  readonly optional?: boolean;
}

export interface FunctionSpec {
  readonly name: string;
  readonly args: readonly ArgumentSpec[];
  readonly returns: VclType;
  readonly runtime: boolean;
}

const a = (name: string, type: VclType): ArgumentSpec => ({ name, type });
const opt = (name: string, type: VclType): ArgumentSpec => ({ name, type, optional: true });
const f = (name: string, returns: VclType, args: readonly ArgumentSpec[], runtime: boolean): FunctionSpec =>
  ({ name, args, returns, runtime });
const S = 'STRING';

export const FUNCTIONS: readonly FunctionSpec[] = [
  // ── Run by lacquer ────────────────────────────────────────────────────────────────────
  f('regsub', S, [a('input', S), a('pattern', S), a('replacement', S)], true),
  f('regsuball', S, [a('input', S), a('pattern', S), a('replacement', S)], true),
  f('std.tolower', S, [a('s', S)], true),
  f('std.toupper', S, [a('s', S)], true),
  f('std.strlen', 'INTEGER', [a('s', S)], true),
  f('std.atoi', 'INTEGER', [a('s', S)], true),
  f('std.itoa', S, [a('input', 'INTEGER'), opt('base', 'INTEGER')], true),
  f('std.prefixof', 'BOOL', [a('s', S), a('begins_with', S)], true),
  f('std.suffixof', 'BOOL', [a('s', S), a('ends_with', S)], true),
  f('std.strstr', S, [a('haystack', S), a('needle', S)], true),
  f('std.replace', S, [a('s', S), a('target', S), a('replacement', S)], true),
  f('std.replaceall', S, [a('s', S), a('target', S), a('replacement', S)], true),
  f('querystring.get', S, [a('url', S), a('name', S)], true),
  f('querystring.set', S, [a('url', S), a('name', S), a('value', S)], true),
  f('querystring.remove', S, [a('url', S)], true),
  f('querystring.sort', S, [a('url', S)], true),
  f('subfield', S, [a('header', S), a('fieldname', S), opt('separator', S)], true),
  f('urlencode', S, [a('input', S)], true),
  f('urldecode', S, [a('input', S)], true),
  f('digest.hash_md5', S, [a('input', S)], true),
  f('digest.hash_sha1', S, [a('input', S)], true),
  f('digest.hash_sha256', S, [a('input', S)], true),
  f('digest.base64', S, [a('input', S)], true),
  f('digest.base64_decode', S, [a('input', S)], true),
  f('randombool', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER')], true),
  f('table.lookup', S, [a('id', 'TABLE'), a('key', S), opt('default', S)], true),
  f('table.contains', 'BOOL', [a('id', 'TABLE'), a('key', S)], true),
  f('addr.is_ipv6', 'BOOL', [a('address', 'IP')], true),
  f('http_status_matches', 'BOOL', [a('status', 'INTEGER'), a('format', S)], true),

  // ── Fastly has them; lacquer does not run them yet ────────────────────────────────────
  f('querystring.add', S, [a('url', S), a('name', S), a('value', S)], false),
  f('querystring.clean', S, [a('url', S)], false),
  f('querystring.filter', S, [a('url', S), a('names', S)], false),
  f('querystring.filter_except', S, [a('url', S), a('names', S)], false),
  f('querystring.filtersep', S, [], false),
  f('querystring.globfilter', S, [a('url', S), a('pattern', S)], false),
  f('querystring.globfilter_except', S, [a('url', S), a('pattern', S)], false),
  f('querystring.regfilter', S, [a('url', S), a('pattern', S)], false),
  f('querystring.regfilter_except', S, [a('url', S), a('pattern', S)], false),
  f('boltsort.sort', S, [a('url', S)], false),
  f('std.atof', 'FLOAT', [a('s', S)], false),
  f('std.strtol', 'INTEGER', [a('s', S), a('base', 'INTEGER')], false),
  f('std.strtof', 'FLOAT', [a('s', S), a('base', 'INTEGER')], false),
  f('std.ip', 'IP', [a('addr', S), a('fallback', S)], false),
  f('std.str2ip', 'IP', [a('addr', S), a('fallback', S)], false),
  f('std.anystr2ip', 'IP', [a('addr', S), a('fallback', S)], false),
  f('std.ip2str', S, [a('ip', 'IP')], false),
  f('std.basename', S, [a('s', S)], false),
  f('std.dirname', S, [a('s', S)], false),
  f('std.strrev', S, [a('s', S)], false),
  f('std.strrep', S, [a('s', S), a('n', 'INTEGER')], false),
  f('std.strpad', S, [a('s', S), a('width', 'INTEGER'), a('pad', S)], false),
  f('std.str2time', 'TIME', [a('s', S), a('fallback', 'TIME')], false),
  f('std.time', 'TIME', [a('s', S), a('fallback', 'TIME')], false),
  f('std.integer2time', 'TIME', [a('time', 'INTEGER')], false),
  f('std.collect', 'VOID', [a('header', 'ID'), opt('separator', S)], false),
  f('std.count', 'INTEGER', [a('header', 'ID')], false),
  f('digest.hash_sha512', S, [a('input', S)], false),
  f('digest.hash_crc32', S, [a('input', S)], false),
  f('digest.hash_crc32b', S, [a('input', S)], false),
  f('digest.hmac_md5', S, [a('key', S), a('input', S)], false),
  f('digest.hmac_sha1', S, [a('key', S), a('input', S)], false),
  f('digest.hmac_sha256', S, [a('key', S), a('input', S)], false),
  f('digest.hmac_sha256_base64', S, [a('key', S), a('input', S)], false),
  f('digest.hmac_sha512', S, [a('key', S), a('input', S)], false),
  f('digest.base64url', S, [a('input', S)], false),
  f('digest.base64url_decode', S, [a('input', S)], false),
  f('digest.base64url_nopad', S, [a('input', S)], false),
  f('digest.base64url_nopad_decode', S, [a('input', S)], false),
  f('digest.secure_is_equal', 'BOOL', [a('s1', S), a('s2', S)], false),
  f('randomint', 'INTEGER', [a('from', 'INTEGER'), a('to', 'INTEGER')], false),
  f('randomstr', S, [a('len', 'INTEGER'), opt('characters', S)], false),
  f('randombool_seeded', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER'), a('seed', 'INTEGER')], false),
  f('table.lookup_bool', 'BOOL', [a('id', 'TABLE'), a('key', S), a('default', 'BOOL')], false),
  f('table.lookup_integer', 'INTEGER', [a('id', 'TABLE'), a('key', S), a('default', 'INTEGER')], false),
  f('table.lookup_float', 'FLOAT', [a('id', 'TABLE'), a('key', S), a('default', 'FLOAT')], false),
  f('table.lookup_rtime', 'RTIME', [a('id', 'TABLE'), a('key', S), a('default', 'RTIME')], false),
  f('table.lookup_ip', 'IP', [a('id', 'TABLE'), a('key', S), a('default', 'IP')], false),
  f('table.lookup_backend', 'BACKEND', [a('id', 'TABLE'), a('key', S), a('default', 'BACKEND')], false),
  f('table.lookup_acl', 'ACL', [a('id', 'TABLE'), a('key', S), a('default', 'ACL')], false),
  f('addr.is_ipv4', 'BOOL', [a('address', 'IP')], false),
  f('addr.is_unix', 'BOOL', [a('address', 'IP')], false),
  f('addr.extract_bits', 'INTEGER', [a('address', 'IP'), a('start', 'INTEGER'), a('length', 'INTEGER')], false),
  f('time.add', 'TIME', [a('t', 'TIME'), a('offset', 'RTIME')], false),
  f('time.sub', 'TIME', [a('t', 'TIME'), a('offset', 'RTIME')], false),
  f('time.is_after', 'BOOL', [a('t1', 'TIME'), a('t2', 'TIME')], false),
  f('time.hex_to_time', 'TIME', [a('divisor', 'INTEGER'), a('dividend', S)], false),
  f('strftime', S, [a('format', S), a('time', 'TIME')], false),
  f('parse_time_delta', 'INTEGER', [a('specifier', S)], false),
  f('cstr_escape', S, [a('s', S)], false),
  f('json.escape', S, [a('s', S)], false),
  f('xml_escape', S, [a('s', S)], false),
  f('header.get', S, [a('where', 'ID'), a('name', S)], false),
  f('header.set', 'VOID', [a('where', 'ID'), a('name', S), a('value', S)], false),
  f('header.unset', 'VOID', [a('where', 'ID'), a('name', S)], false),
  f('h2.push', 'VOID', [a('resource', S), opt('as', S)], false),
  f('h2.disable_header_compression', 'VOID', [a('header', S)], false),
  f('uuid.version4', S, [], false),
  f('uuid.is_valid', 'BOOL', [a('s', S)], false),
  f('bin.base64_to_hex', S, [a('input', S)], false),
  f('bin.hex_to_base64', S, [a('input', S)], false),
  f('setcookie.get_value_by_name', S, [a('where', 'ID'), a('name', S)], false),
  f('setcookie.delete_by_name', 'BOOL', [a('where', 'ID'), a('name', S)], false),
  f('accept.language_lookup', S, [a('available', S), a('default', S), a('header', S)], false),
  f('accept.charset_lookup', S, [a('available', S), a('default', S), a('header', S)], false),
  f('accept.encoding_lookup', S, [a('available', S), a('default', S), a('header', S)], false),
  f('accept.media_lookup', S, [a('available', S), a('default', S), a('patterns', S), a('header', S)], false),
  f('math.ceil', 'FLOAT', [a('x', 'FLOAT')], false),
  f('math.floor', 'FLOAT', [a('x', 'FLOAT')], false),
  f('math.round', 'FLOAT', [a('x', 'FLOAT')], false),
  f('math.trunc', 'FLOAT', [a('x', 'FLOAT')], false),
  f('math.sqrt', 'FLOAT', [a('x', 'FLOAT')], false),
  f('fastly.hash', 'INTEGER', [a('key', S), a('seed', 'INTEGER'), a('from', 'INTEGER'), a('to', 'INTEGER')], false),
];

const byName = new Map<string, FunctionSpec>(FUNCTIONS.map((fn) => [fn.name, fn]));

/** The builtin function of that name, or null when Fastly has none. */
export function lookupFunction(name: string): FunctionSpec | null {
  return byName.get(name) ?? null;
}

/** Fewest and most arguments a call may pass. */
export function arity(fn: FunctionSpec): { readonly min: number; readonly max: number } {
  return { min: fn.args.filter((x) => x.optional !== true).length, max: fn.args.length };
}
