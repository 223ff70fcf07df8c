// Fastly's miscellaneous, randomness, address, table, date and time, UUID, rate limiting and
// TLS/HTTP functions, from the function reference
// (https://www.fastly.com/documentation/reference/vcl/functions/ and its categories). Entries
// with a builder are the ones lacquer runs; define.ts explains an entry.
import { getSubfield } from '../../runtime/headers.ts';
import { statusMatches } from '../../runtime/strings.ts';
import type { VclTable } from '../../runtime/tables.ts';
import { a, f, NOT_LOG, on, opt, rest } from './define.ts';
import type { FunctionSpec } from './define.ts';
import { str } from './build.ts';
import { strftime } from '../../runtime/log-values.ts';
import type { N, S } from './build.ts';

export const MISC: readonly FunctionSpec[] = [
  // ── miscellaneous ──
  f('http_status_matches', 'BOOL', [a('status', 'INTEGER'), a('fmt', 'STRING')], ([x, y]) => { const n = x as N; const l = y as S; return (c, fr) => statusMatches(n(c, fr), str(l(c, fr))); }),
  f('fastly.hash', 'INTEGER', [a('key', 'STRING'), a('seed', 'INTEGER'), a('from', 'INTEGER'), a('to', 'INTEGER')]),
  f('std.collect', 'VOID', [a('header', 'ID'), opt('separator_character', 'STRING')]),
  f('std.count', 'INTEGER', [a('collection', 'ID')]),
  f('resp.tarpit', 'VOID', [a('interval_s', 'INTEGER'), opt('chunk_size_bytes', 'INTEGER')], undefined, on('deliver')),
  f('setcookie.get_value_by_name', 'STRING', [a('where', 'ID'), a('cookie_name', 'STRING')]),
  f('setcookie.delete_by_name', 'BOOL', [a('where', 'ID'), a('cookie_name', 'STRING')]),
  f('subfield', 'STRING', [a('subject', 'STRING'), a('fieldname', 'STRING'), opt('separator_character', 'STRING')], ([x, y, z]) => {
    const f = x as S; const g = y as S; const sep = z as S | undefined;
    if (sep === undefined) return (c, fr) => getSubfield(f(c, fr), str(g(c, fr)), ',');
    return (c, fr) => getSubfield(f(c, fr), str(g(c, fr)), str(sep(c, fr)) || ',');
  }),
  f('fastly.try_select_shield', 'BACKEND', [a('shield', 'BACKEND'), a('fallback', 'BACKEND')]),
  // ── randomness ──
  f('randomstr', 'STRING', [a('len', 'INTEGER'), opt('characters', 'STRING')]),
  f('randombool', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER')], ([x, y]) => { const n = x as N; const d = y as N; return (c, fr) => Math.random() * d(c, fr) < n(c, fr); }),
  f('randombool_seeded', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER'), a('seed', 'INTEGER')]),
  f('randomint', 'INTEGER', [a('from', 'INTEGER'), a('to', 'INTEGER')]),
  f('randomint_seeded', 'INTEGER', [a('from', 'INTEGER'), a('to', 'INTEGER'), a('seed', 'INTEGER')]),
  // ── addr ──
  f('addr.extract_bits', 'INTEGER', [a('ip', 'IP'), a('start_bit', 'INTEGER'), a('bit_count', 'INTEGER')]),
  f('addr.is_ipv4', 'BOOL', [a('ip', 'IP')]),
  f('addr.is_ipv6', 'BOOL', [a('ip', 'IP')], ([x]) => { const f = x as S; return (c, fr) => str(f(c, fr)).includes(':'); }),
  // ── table ──
  f('table.contains', 'BOOL', [a('id', 'TABLE'), a('key', 'STRING')], ([t, k]) => { const entries = (t as VclTable).entries; const key = k as S; return (c, fr) => entries.has(str(key(c, fr))); }),
  f('table.lookup', 'STRING', [a('id', 'TABLE'), a('key', 'STRING'), opt('default', 'STRING')], ([t, k, d]) => {
    const entries = (t as VclTable).entries as ReadonlyMap<string, string>;
    const key = k as S; const def = d as S | undefined;
    if (def === undefined) return (c, fr) => entries.get(str(key(c, fr))) ?? null;
    return (c, fr) => entries.get(str(key(c, fr))) ?? def(c, fr);
  }),
  f('table.lookup_acl', 'ACL', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'ACL')]),
  f('table.lookup_bool', 'BOOL', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'BOOL')]),
  f('table.lookup_integer', 'INTEGER', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'INTEGER')]),
  f('table.lookup_float', 'FLOAT', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'FLOAT')]),
  f('table.lookup_ip', 'IP', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'IP')]),
  f('table.lookup_backend', 'BACKEND', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'BACKEND')]),
  f('table.lookup_regex', 'REGEX', [a('id', 'TABLE'), a('key', 'STRING')]),
  f('table.lookup_rtime', 'RTIME', [a('id', 'TABLE'), a('key', 'STRING'), a('default', 'RTIME')]),
  // ── date-and-time ──
  f('parse_time_delta', 'INTEGER', [a('specifier', 'STRING')]),
  f('std.integer2time', 'TIME', [a('time', 'INTEGER')]),
  f('std.time', 'TIME', [a('s', 'STRING'), a('fallback', 'TIME')]),
  f('strftime', 'STRING', [a('format', 'STRING'), a('time', 'TIME')], ([x, y]) => { const f = x as S; const t = y as N; return (c, fr) => strftime(str(f(c, fr)), t(c, fr)); }),
  f('time.add', 'TIME', [a('t1', 'TIME'), a('t2', 'TIME')]),
  f('time.hex_to_time', 'TIME', [a('divisor', 'INTEGER'), a('dividend', 'STRING')]),
  f('time.interval_elapsed_ratio', 'FLOAT', [a('ref', 'TIME'), a('start', 'TIME'), a('end', 'TIME')]),
  f('time.is_after', 'BOOL', [a('t1', 'TIME'), a('t2', 'TIME')]),
  f('time.sub', 'TIME', [a('t1', 'TIME'), a('t2', 'TIME')]),
  f('time.units', 'STRING', [a('unit', 'STRING'), a('time', 'TIME')]),
  f('time.runits', 'STRING', [a('unit', 'STRING'), a('rtime', 'RTIME')]),
  // ── uuid ──
  f('uuid.dns', 'STRING', []),
  f('uuid.is_valid', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.is_version3', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.is_version4', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.is_version5', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.is_version7', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.oid', 'STRING', []),
  f('uuid.url', 'STRING', []),
  f('uuid.version3', 'STRING', [a('namespace', 'STRING'), a('name', 'STRING')]),
  f('uuid.version4', 'STRING', []),
  f('uuid.version5', 'STRING', [a('namespace', 'STRING'), a('name', 'STRING')]),
  f('uuid.x500', 'STRING', []),
  f('uuid.version7', 'STRING', []),
  // ── rate-limiting ──
  f('ratelimit.check_rate', 'BOOL', [a('entry', 'STRING'), a('rc', 'ID'), a('delta', 'INTEGER'), a('window', 'INTEGER'), a('limit', 'INTEGER'), a('pb', 'ID'), a('ttl', 'TIME')]),
  f('ratelimit.check_rates', 'BOOL', [a('entry', 'STRING'), a('rc1', 'ID'), a('delta1', 'INTEGER'), a('window1', 'INTEGER'), a('limit1', 'INTEGER'), a('rc2', 'ID'), a('delta2', 'INTEGER'), a('window2', 'INTEGER'), a('limit2', 'INTEGER'), a('pb', 'ID'), a('ttl', 'TIME')]),
  f('ratelimit.ratecounter_increment', 'INTEGER', [a('rc', 'ID'), a('entry', 'STRING'), a('delta', 'INTEGER')]),
  f('ratelimit.penaltybox_add', 'VOID', [a('pb', 'ID'), a('entry', 'STRING'), a('ttl', 'TIME')]),
  f('ratelimit.penaltybox_has', 'BOOL', [a('pb', 'ID'), a('entry', 'STRING')]),
  // ── tls-and-http ──
  f('h2.push', 'VOID', [a('resource', 'STRING'), opt('as', 'STRING')], undefined, NOT_LOG),
  f('early_hints', 'VOID', [a('resource', 'STRING'), rest('resource', 'STRING')], undefined, NOT_LOG),
  f('h3.alt_svc', 'VOID', [], undefined, NOT_LOG),
  f('h2.disable_header_compression', 'VOID', [a('resource', 'STRING'), rest('...', 'STRING')], undefined, NOT_LOG),
];
