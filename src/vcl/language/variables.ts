// Fastly's predefined VCL variables, as data: what each one is called (a name or a pattern),
// its type, the subroutines that may read it and those that may set or unset it, and whether
// lacquer runs it (`runtime`). The checker reads this table to say "unknown variable" (Fastly
// has no such name), "lacquer does not run X yet" (Fastly has it, lacquer does not), or "X
// cannot be set in vcl_recv"; the compiler reads it to bind each runtime variable.
//
// Source: Fastly's variable reference, https://www.fastly.com/documentation/reference/vcl/variables/
// and its per-variable pages ("Available in …", "can be read and set, but not unset"). The
// lifecycle table there gives the families: req.* R/W everywhere; bereq.* R/W in miss and
// pass, R in fetch; beresp.* R/W in fetch; obj.* R in hit, R/W in error; resp.* R/W in
// deliver, R in log.
import { PHASES } from './subroutines.ts';
import type { Phase } from './subroutines.ts';
import type { VclType } from './types.ts';

export interface VariableSpec {
  /** A name (`req.url`) or a pattern: `*` is any rest (`req.http.*`), `{name}` a VCL name, `{N}` digits. */
  readonly name: string;
  /** `declared` only for `var.*`: the type comes from the `declare local` statement. */
  readonly type: VclType | 'declared';
  readonly read: readonly Phase[];
  /** Where `set` (and `add`, for headers) is allowed. Empty: read-only. */
  readonly write: readonly Phase[];
  /** Whether `unset`/`remove` is allowed (where it may be set). */
  readonly unset: boolean;
  /** Whether lacquer runs this variable (docs/vcl.md, Variables lacquer runs). */
  readonly runtime: boolean;
  /** Another spelling of the same variable (Fastly keeps `req.request` for `req.method`). */
  readonly aliasOf?: string;
}

const ALL = PHASES;
const NONE: readonly Phase[] = [];
const BEREQ_R: readonly Phase[] = ['miss', 'pass', 'fetch'];
const BEREQ_W: readonly Phase[] = ['miss', 'pass'];
const FETCH: readonly Phase[] = ['fetch'];
const OBJ_R: readonly Phase[] = ['hit', 'error'];
const OBJ_W: readonly Phase[] = ['error'];
const RESP_R: readonly Phase[] = ['deliver', 'log'];
const RESP_W: readonly Phase[] = ['deliver'];

interface Options { readonly unset?: boolean; readonly aliasOf?: string }

const v = (name: string, type: VclType | 'declared', read: readonly Phase[], write: readonly Phase[], runtime: boolean, o: Options = {}): VariableSpec =>
  ({ name, type, read, write, unset: o.unset ?? false, runtime, ...(o.aliasOf === undefined ? {} : { aliasOf: o.aliasOf }) });
/** A read-only variable lacquer does not run. */
const ro = (name: string, type: VclType, read: readonly Phase[] = ALL): VariableSpec => v(name, type, read, NONE, false);

export const VARIABLES: readonly VariableSpec[] = [
  // ── Client request (req.*) ─────────────────────────────────────────────────────────────
  v('req.url', 'STRING', ALL, ALL, true),
  v('req.method', 'STRING', ALL, ALL, true),
  v('req.request', 'STRING', ALL, ALL, true, { aliasOf: 'req.method' }),
  v('req.proto', 'STRING', ALL, NONE, true),
  v('req.http.*', 'HEADER', ALL, ALL, true, { unset: true }),
  v('req.backend', 'BACKEND', ALL, ALL, true),
  v('req.backend.healthy', 'BOOL', ALL, NONE, true),
  v('req.restarts', 'INTEGER', ALL, NONE, true),
  v('req.hash', 'STRING', ['hash'], ['hash'], true),
  v('req.is_ipv6', 'BOOL', ALL, NONE, true),
  v('req.url.path', 'STRING', ALL, NONE, true), v('req.url.qs', 'STRING', ALL, NONE, true), ro('req.url.basename', 'STRING'),
  ro('req.url.dirname', 'STRING'), ro('req.url.ext', 'STRING'), ro('req.topurl', 'STRING'),
  ro('req.body', 'STRING'), ro('req.body.base64', 'STRING'), ro('req.postbody', 'STRING'),
  ro('req.is_ssl', 'BOOL'), ro('req.is_purge', 'BOOL'), ro('req.is_esi_subreq', 'BOOL'),
  ro('req.is_clustering', 'BOOL'), ro('req.is_background_fetch', 'BOOL'), ro('req.xid', 'STRING'),
  ro('req.protocol', 'STRING'), ro('req.service_id', 'STRING'), ro('req.customer_id', 'STRING'),
  ro('req.vcl', 'STRING'), ro('req.vcl.generation', 'INTEGER'), ro('req.vcl.version', 'INTEGER'),
  ro('req.vcl.md5', 'STRING'), ro('req.digest', 'STRING'), ro('req.digest.ratio', 'FLOAT'),
  ro('req.esi_level', 'INTEGER'), ro('req.bytes_read', 'INTEGER'), ro('req.header_bytes_read', 'INTEGER'),
  ro('req.body_bytes_read', 'INTEGER'), ro('req.backend.name', 'STRING'), ro('req.backend.ip', 'IP'),
  ro('req.backend.port', 'INTEGER'), ro('req.backend.is_origin', 'BOOL'), ro('req.backend.is_shield', 'BOOL'),
  v('req.grace', 'RTIME', ALL, ALL, false), v('req.esi', 'BOOL', ALL, ALL, false),
  v('req.max_stale_if_error', 'RTIME', ALL, ALL, false), v('req.max_stale_while_revalidate', 'RTIME', ALL, ALL, false),
  v('req.enable_range_on_pass', 'BOOL', ALL, ALL, false), v('req.enable_segmented_caching', 'BOOL', ALL, ALL, false),
  v('req.hash_always_miss', 'BOOL', ALL, ALL, false), v('req.hash_ignore_busy', 'BOOL', ALL, ALL, false),

  // ── Client connection, geolocation, TLS ───────────────────────────────────────────────
  v('client.ip', 'IP', ALL, NONE, true),
  v('client.identity', 'STRING', ALL, ALL, true),
  ro('client.port', 'INTEGER'), ro('client.requests', 'INTEGER'), ro('client.as.number', 'INTEGER'),
  ro('client.as.name', 'STRING'), ro('client.geo.*', 'STRING'), ro('client.bot.*', 'STRING'),
  ro('client.browser.*', 'STRING'), ro('client.class.*', 'BOOL'), ro('client.display.*', 'INTEGER'),
  ro('client.platform.*', 'BOOL'), ro('client.os.*', 'STRING'), ro('client.socket.*', 'INTEGER'),
  ro('tls.client.*', 'STRING'), ro('geoip.*', 'STRING'),

  // ── Server (the POP) ──────────────────────────────────────────────────────────────────
  v('server.hostname', 'STRING', ALL, NONE, true),
  v('server.identity', 'STRING', ALL, NONE, true),
  v('server.ip', 'IP', ALL, NONE, true),
  v('server.port', 'INTEGER', ALL, NONE, true),
  v('server.region', 'STRING', ALL, NONE, true),
  v('server.datacenter', 'STRING', ALL, NONE, true),
  ro('server.billing_region', 'STRING'),

  // ── Backend request (bereq.*) ─────────────────────────────────────────────────────────
  v('bereq.url', 'STRING', BEREQ_R, BEREQ_W, true),
  v('bereq.method', 'STRING', BEREQ_R, BEREQ_W, true),
  v('bereq.http.*', 'HEADER', BEREQ_R, BEREQ_W, true, { unset: true }),
  v('bereq.request', 'STRING', BEREQ_R, BEREQ_W, false),
  v('bereq.proto', 'STRING', BEREQ_R, NONE, true), ro('bereq.url.path', 'STRING', BEREQ_R), ro('bereq.url.qs', 'STRING', BEREQ_R),
  ro('bereq.url.basename', 'STRING', BEREQ_R), ro('bereq.url.dirname', 'STRING', BEREQ_R), ro('bereq.url.ext', 'STRING', BEREQ_R),
  ro('bereq.is_clustering', 'BOOL', BEREQ_R), ro('bereq.bytes_written', 'INTEGER', ['fetch', 'log']),
  v('bereq.max_reuse_idle_time', 'RTIME', BEREQ_R, BEREQ_W, false),

  // ── Backend response (beresp.*) ───────────────────────────────────────────────────────
  v('beresp.status', 'INTEGER', FETCH, FETCH, true),
  v('beresp.response', 'STRING', FETCH, FETCH, true),
  v('beresp.http.*', 'HEADER', FETCH, FETCH, true, { unset: true }),
  v('beresp.ttl', 'RTIME', FETCH, FETCH, true),
  v('beresp.grace', 'RTIME', FETCH, FETCH, true),
  v('beresp.stale_if_error', 'RTIME', FETCH, FETCH, true),
  v('beresp.stale_while_revalidate', 'RTIME', FETCH, FETCH, true),
  v('beresp.cacheable', 'BOOL', FETCH, FETCH, true),
  v('beresp.do_esi', 'BOOL', FETCH, FETCH, false), v('beresp.do_stream', 'BOOL', FETCH, FETCH, false),
  v('beresp.gzip', 'BOOL', FETCH, FETCH, false), v('beresp.brotli', 'BOOL', FETCH, FETCH, false),
  v('beresp.saintmode', 'RTIME', FETCH, FETCH, false), v('beresp.pci', 'BOOL', FETCH, FETCH, false),
  v('beresp.hipaa', 'BOOL', FETCH, FETCH, false),
  ro('beresp.proto', 'STRING', FETCH), ro('beresp.backend.name', 'STRING', FETCH), ro('beresp.backend.ip', 'IP', FETCH),
  ro('beresp.backend.port', 'INTEGER', FETCH), ro('beresp.used_alternate_path_to_origin', 'BOOL', FETCH),
  ro('beresp.handshake_time_to_origin_ms', 'INTEGER', FETCH),

  // ── Cache object (obj.*) ──────────────────────────────────────────────────────────────
  v('obj.status', 'INTEGER', OBJ_R, OBJ_W, true),
  v('obj.response', 'STRING', OBJ_R, OBJ_W, true),
  v('obj.http.*', 'HEADER', OBJ_R, OBJ_W, true, { unset: true }),
  v('obj.ttl', 'RTIME', ['hit', 'error', 'deliver', 'log'], ['hit', 'error'], true),
  v('obj.hits', 'INTEGER', ['hit', 'deliver', 'log'], NONE, true),
  v('obj.age', 'RTIME', ['hit', 'error', 'deliver', 'log'], NONE, true),
  ro('obj.cacheable', 'BOOL', OBJ_R), ro('obj.entered', 'RTIME', OBJ_R), ro('obj.lastuse', 'RTIME', OBJ_R),
  ro('obj.proto', 'STRING', OBJ_R), ro('obj.is_pci', 'BOOL', OBJ_R),
  v('obj.grace', 'RTIME', OBJ_R, ['hit', 'error'], false),
  v('obj.stale_if_error', 'RTIME', OBJ_R, ['hit', 'error'], false),
  v('obj.stale_while_revalidate', 'RTIME', OBJ_R, ['hit', 'error'], false),
  // Fastly: a STRING, non-NULL when the object has stale content that deliver_stale could serve.
  v('stale.exists', 'STRING', ALL, NONE, true),

  // ── Client response (resp.*) ──────────────────────────────────────────────────────────
  v('resp.status', 'INTEGER', RESP_R, RESP_W, true),
  v('resp.response', 'STRING', RESP_R, RESP_W, true),
  v('resp.http.*', 'HEADER', RESP_R, RESP_W, true, { unset: true }),
  ro('resp.proto', 'STRING', RESP_R), ro('resp.is_locally_generated', 'BOOL', RESP_R), ro('resp.stale', 'BOOL', RESP_R),
  ro('resp.stale.is_error', 'BOOL', RESP_R), ro('resp.stale.is_revalidating', 'BOOL', RESP_R),
  ro('resp.completed', 'BOOL', ['log']), ro('resp.bytes_written', 'INTEGER', ['log']),
  ro('resp.body_bytes_written', 'INTEGER', ['log']), ro('resp.header_bytes_written', 'INTEGER', ['log']),

  // ── Locals, regex groups, backends ────────────────────────────────────────────────────
  v('var.*', 'declared', ALL, ALL, true),
  v('re.group.{N}', 'STRING', ALL, NONE, true),
  v('backend.{name}.healthy', 'BOOL', ALL, NONE, true),
  ro('backend.{name}.connections_open', 'INTEGER'), ro('backend.{name}.connections_used', 'INTEGER'),
  ro('backend.{name}.is_origin', 'BOOL'),

  // ── Date and time ─────────────────────────────────────────────────────────────────────
  v('now', 'TIME', ALL, NONE, true),
  v('time.elapsed', 'RTIME', ALL, NONE, true),
  ro('now.sec', 'STRING'), ro('time.start', 'TIME'), ro('time.start.sec', 'STRING'), ro('time.start.msec', 'STRING'),
  ro('time.start.usec', 'STRING'), ro('time.start.msec_frac', 'STRING'), ro('time.start.usec_frac', 'STRING'),
  ro('time.end', 'TIME', ['log']), ro('time.end.sec', 'STRING', ['log']), ro('time.end.msec', 'STRING', ['log']),
  ro('time.end.usec', 'STRING', ['log']), ro('time.to_first_byte', 'RTIME', ['deliver', 'log']),
  ro('time.elapsed.sec', 'STRING'), ro('time.elapsed.msec', 'STRING'), ro('time.elapsed.usec', 'STRING'),
  ro('time.elapsed.msec_frac', 'STRING'), ro('time.elapsed.usec_frac', 'STRING'),

  // ── Miscellaneous ─────────────────────────────────────────────────────────────────────
  v('fastly.error', 'STRING', ALL, NONE, true),
  v('fastly_info.state', 'STRING', ALL, NONE, true),
  ro('fastly_info.is_h2', 'BOOL'), ro('fastly_info.is_h3', 'BOOL'), ro('fastly_info.host_header', 'STRING'),
  ro('fastly_info.h2.*', 'STRING'), ro('fastly.ff.*', 'INTEGER'), ro('esi.*', 'BOOL'),
  ro('segmented_caching.*', 'STRING'), ro('math.*', 'FLOAT'), ro('workspace.*', 'INTEGER'),
  ro('waf.*', 'STRING'), ro('quic.*', 'STRING'), ro('transport.*', 'STRING'),
];

export interface VariableMatch {
  readonly spec: VariableSpec;
  /** What `*`, `{name}` or `{N}` matched: the header name, backend name, group number, local name. */
  readonly param: string | null;
  /** For a header written `req.http.Cookie:id`, the part after `:` (Fastly's subfield access). */
  readonly subfield: string | null;
}

const exact = new Map<string, VariableSpec>();
interface Pattern { readonly prefix: string; readonly suffix: string; readonly param: RegExp; readonly spec: VariableSpec }
/** Patterns by the name's first segment (`req`, `backend`), so a lookup tries only a few. */
const patterns = new Map<string, Pattern[]>();
for (const spec of VARIABLES) {
  const m = /^(.*?)(\*|\{name\}|\{N\})(.*)$/.exec(spec.name);
  if (m === null) { exact.set(spec.name, spec); continue; }
  const param = m[2] === '*' ? /^[^.\s][^\s]*$/ : m[2] === '{N}' ? /^\d+$/ : /^[A-Za-z_][A-Za-z0-9_]*$/;
  const head = m[1].slice(0, m[1].indexOf('.'));
  const list = patterns.get(head) ?? [];
  list.push({ prefix: m[1], suffix: m[3], param, spec });
  patterns.set(head, list);
}
// Longest prefix first, so `client.geo.*` is not taken by a shorter family.
for (const list of patterns.values()) list.sort((a, b) => b.prefix.length - a.prefix.length);

/** The variable a name refers to, or null when Fastly has no such variable. Names are case-sensitive, as in Fastly. */
export function lookupVariable(name: string): VariableMatch | null {
  const hit = exact.get(name);
  if (hit !== undefined) return { spec: hit, param: null, subfield: null };
  const dot = name.indexOf('.');
  for (const p of dot > 0 ? patterns.get(name.slice(0, dot)) ?? [] : []) {
    if (!name.startsWith(p.prefix) || !name.endsWith(p.suffix) || name.length <= p.prefix.length + p.suffix.length) continue;
    let param = name.slice(p.prefix.length, name.length - p.suffix.length);
    let subfield: string | null = null;
    if (p.spec.type === 'HEADER') {
      const colon = param.indexOf(':');
      if (colon > 0) { subfield = param.slice(colon + 1); param = param.slice(0, colon); }
    }
    if (p.param.test(param)) return { spec: p.spec, param, subfield };
  }
  return null;
}

/** Whether a name is a variable at all (used to tell a variable from a backend or ACL name). */
export function isVariableName(name: string): boolean {
  return lookupVariable(name) !== null;
}
