// Fastly's miscellaneous, randomness, address, table, date and time, UUID, rate limiting and
// TLS/HTTP functions, from the function reference
// (https://www.fastly.com/documentation/reference/vcl/functions/ and its categories). Entries
// with a builder are the ones lacquer runs; define.ts explains an entry.
import { getSubfield } from '../../runtime/headers.ts';
import { statusMatches } from '../../runtime/strings.ts';
import type { VclTable } from '../../runtime/tables.ts';
import { a, decl, f, NOT_LOG, on, opt, rest } from './define.ts';
import type { FunctionSpec } from './define.ts';
import { str } from './build.ts';
import { checkRate, checkRatesBuilder, penaltyboxAdd, penaltyboxHas, ratecounterIncrement } from './ratelimit.ts';
import type { N, S } from './build.ts';
import { HEX_TO_TIME, ELAPSED_RATIO, INTEGER2TIME, IS_AFTER, PARSE_TIME_DELTA, STD_TIME, STRFTIME, timeShift } from './time-builders.ts';
import { RANDOMINT, RANDOMSTR, UUID_IS_VALID, UUID_NAMESPACES, UUID_V4, uuidConstant, uuidIsVersion, uuidNamed } from './misc-builders.ts';

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
  f('randomstr', 'STRING', [a('len', 'INTEGER'), opt('characters', 'STRING')], RANDOMSTR),
  f('randombool', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER')], ([x, y]) => { const n = x as N; const d = y as N; return (c, fr) => Math.random() * d(c, fr) < n(c, fr); }),
  f('randombool_seeded', 'BOOL', [a('numerator', 'INTEGER'), a('denominator', 'INTEGER'), a('seed', 'INTEGER')]),
  f('randomint', 'INTEGER', [a('from', 'INTEGER'), a('to', 'INTEGER')], RANDOMINT),
  f('randomint_seeded', 'INTEGER', [a('from', 'INTEGER'), a('to', 'INTEGER'), a('seed', 'INTEGER')]),
  // ── addr ──
  f('addr.extract_bits', 'INTEGER', [a('ip', 'IP'), a('start_bit', 'INTEGER'), a('bit_count', 'INTEGER')]),
  f('addr.is_ipv4', 'BOOL', [a('ip', 'IP')]),
  f('addr.is_ipv6', 'BOOL', [a('ip', 'IP')], ([x]) => { const f = x as S; return (c, fr) => str(f(c, fr)).includes(':'); }),
  // ── table ──
  // A table's entries are read on every call: a dictionary's items change live (runtime/live.ts).
  f('table.contains', 'BOOL', [a('id', 'TABLE'), a('key', 'STRING')], ([t, k]) => { const table = t as VclTable; const key = k as S; return (c, fr) => table.entries.has(str(key(c, fr))); }),
  f('table.lookup', 'STRING', [a('id', 'TABLE'), a('key', 'STRING'), opt('default', 'STRING')], ([t, k, d]) => {
    const table = t as VclTable;
    const key = k as S; const def = d as S | undefined;
    if (def === undefined) return (c, fr) => (table.entries.get(str(key(c, fr))) as string | undefined) ?? null;
    return (c, fr) => (table.entries.get(str(key(c, fr))) as string | undefined) ?? def(c, fr);
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
  f('parse_time_delta', 'INTEGER', [a('specifier', 'STRING')], PARSE_TIME_DELTA),
  f('std.integer2time', 'TIME', [a('time', 'INTEGER')], INTEGER2TIME),
  f('std.time', 'TIME', [a('s', 'STRING'), a('fallback', 'TIME')], STD_TIME),
  f('strftime', 'STRING', [a('format', 'STRING'), a('time', 'TIME')], STRFTIME),
  f('time.add', 'TIME', [a('t1', 'TIME'), a('t2', 'RTIME')], timeShift(1)),
  f('time.hex_to_time', 'TIME', [a('divisor', 'INTEGER'), a('dividend', 'STRING')], HEX_TO_TIME),
  f('time.interval_elapsed_ratio', 'FLOAT', [a('ref', 'TIME'), a('start', 'TIME'), a('end', 'TIME')], ELAPSED_RATIO),
  f('time.is_after', 'BOOL', [a('t1', 'TIME'), a('t2', 'TIME')], IS_AFTER),
  f('time.sub', 'TIME', [a('t1', 'TIME'), a('t2', 'RTIME')], timeShift(-1)),
  f('time.units', 'STRING', [a('unit', 'STRING'), a('time', 'TIME')]),
  f('time.runits', 'STRING', [a('unit', 'STRING'), a('rtime', 'RTIME')]),
  // ── uuid ──
  f('uuid.dns', 'STRING', [], uuidConstant(UUID_NAMESPACES.dns)),
  f('uuid.is_valid', 'BOOL', [a('uuid', 'STRING')], UUID_IS_VALID),
  f('uuid.is_version3', 'BOOL', [a('uuid', 'STRING')], uuidIsVersion(3)),
  f('uuid.is_version4', 'BOOL', [a('uuid', 'STRING')], uuidIsVersion(4)),
  f('uuid.is_version5', 'BOOL', [a('uuid', 'STRING')], uuidIsVersion(5)),
  f('uuid.is_version7', 'BOOL', [a('uuid', 'STRING')]),
  f('uuid.oid', 'STRING', [], uuidConstant(UUID_NAMESPACES.oid)),
  f('uuid.url', 'STRING', [], uuidConstant(UUID_NAMESPACES.url)),
  f('uuid.version3', 'STRING', [a('namespace', 'STRING'), a('name', 'STRING')], uuidNamed(3)),
  f('uuid.version4', 'STRING', [], UUID_V4),
  f('uuid.version5', 'STRING', [a('namespace', 'STRING'), a('name', 'STRING')], uuidNamed(5)),
  f('uuid.x500', 'STRING', [], uuidConstant(UUID_NAMESPACES.x500)),
  f('uuid.version7', 'STRING', []),
  // ── rate-limiting ──
  f('ratelimit.check_rate', 'BOOL', [a('entry', 'STRING'), decl('rc', 'ratecounter'), a('delta', 'INTEGER'), a('window', 'INTEGER'), a('limit', 'INTEGER'), decl('pb', 'penaltybox'), a('ttl', 'TIME')], checkRate),
  f('ratelimit.check_rates', 'BOOL', [a('entry', 'STRING'), decl('rc1', 'ratecounter'), a('delta1', 'INTEGER'), a('window1', 'INTEGER'), a('limit1', 'INTEGER'), decl('rc2', 'ratecounter'), a('delta2', 'INTEGER'), a('window2', 'INTEGER'), a('limit2', 'INTEGER'), decl('pb', 'penaltybox'), a('ttl', 'TIME')], checkRatesBuilder),
  f('ratelimit.ratecounter_increment', 'INTEGER', [decl('rc', 'ratecounter'), a('entry', 'STRING'), a('delta', 'INTEGER')], ratecounterIncrement),
  f('ratelimit.penaltybox_add', 'VOID', [decl('pb', 'penaltybox'), a('entry', 'STRING'), a('ttl', 'TIME')], penaltyboxAdd),
  f('ratelimit.penaltybox_has', 'BOOL', [decl('pb', 'penaltybox'), a('entry', 'STRING')], penaltyboxHas),
  // ── tls-and-http ──
  f('h2.push', 'VOID', [a('resource', 'STRING'), opt('as', 'STRING')], undefined, NOT_LOG),
  f('early_hints', 'VOID', [a('resource', 'STRING'), rest('resource', 'STRING')], undefined, NOT_LOG),
  // lacquer has no HTTP/3 listener: h3.alt_svc() advertises nothing (docs/vcl.md, fixed values).
  f('h3.alt_svc', 'VOID', [], () => () => null, NOT_LOG),
  f('h2.disable_header_compression', 'VOID', [a('resource', 'STRING'), rest('...', 'STRING')], undefined, NOT_LOG),
];
