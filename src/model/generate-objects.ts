// The VCL service objects (headers, response objects, request settings, cache settings, gzip)
// and backends' request conditions → statements of the phases Fastly's generated VCL puts them
// in (https://www.fastly.com/documentation/reference/api/vcl-services/):
//   vcl_recv    backends' request conditions (`set req.backend`), request headers, response
//               objects with a request condition (`error 9xx`), request settings
//   vcl_hash    request settings' hash_keys
//   vcl_miss/pass  fetch headers (bereq)
//   vcl_fetch   cache headers, gzip, response objects with a cache condition, cache settings
//   vcl_error   the synthetic responses (obj.status 9xx) and Force SSL's redirect (801)
//   vcl_deliver response headers, request settings' timer
// Each object runs under its condition (./conditions.ts); objects of a kind run in Fastly's order,
// lower priority numbers first. Objects whose statements end the phase (a request setting's
// action, a cache setting's action) come last in it, so everything else still applies.
import type * as A from '../vcl/syntax/index.ts';
import { build as B } from '../vcl/syntax/index.ts';
import type { Phase } from '../vcl/language/index.ts';
import { DEFAULT_GZIP_CONTENT_TYPES, DEFAULT_GZIP_EXTENSIONS } from './api/gzip.ts';
import type {
  BackendRecord, CacheSettingsRecord, ConditionRecord, GzipRecord, HeaderRecord, HeaderType,
  RequestSettingsRecord, ResponseObjectRecord,
} from './api/index.ts';
import { Conditions, userExpression } from './conditions.ts';
import type { Problems } from './generation-problems.ts';
import { backendVclName } from './vcl-names.ts';

export interface ObjectsConfig {
  readonly backends: readonly BackendRecord[];
  readonly conditions: readonly ConditionRecord[];
  readonly headers: readonly HeaderRecord[];
  readonly responseObjects: readonly ResponseObjectRecord[];
  readonly requestSettings: readonly RequestSettingsRecord[];
  readonly cacheSettings: readonly CacheSettingsRecord[];
  readonly gzips: readonly GzipRecord[];
}

/** Where each type of header applies and on which object (Fastly's header reference). */
export const HEADER_PLACES: Readonly<Record<HeaderType, { readonly object: string; readonly phases: readonly Phase[] }>> = {
  request: { object: 'req', phases: ['recv'] },
  fetch: { object: 'bereq', phases: ['miss', 'pass'] },
  cache: { object: 'beresp', phases: ['fetch'] },
  response: { object: 'resp', phases: ['deliver'] },
};

/** Fastly's internal status for Force SSL's redirect, handled in vcl_error. */
export const FORCE_SSL_STATUS = 801;
/** Fastly's first internal status for response objects: 900, 901, … one per object. */
export const RESPONSE_OBJECT_STATUS = 900;
export const MAX_RESPONSE_OBJECTS = 100;

type Code = Record<Phase, A.Statement[]>;
interface Ordered { readonly key: readonly [number, number, string]; readonly statements: readonly A.Statement[] }

const byKey = (a: Ordered, b: Ordered): number =>
  a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.key[2] < b.key[2] ? -1 : a.key[2] > b.key[2] ? 1 : 0);
const flat = (items: Ordered[]): A.Statement[] => items.sort(byKey).flatMap((i) => i.statements);

/** A statement with a `# …` line above it, as Fastly's generated VCL labels each object. */
function labelled(text: string, statements: readonly A.Statement[]): A.Statement[] {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  return [{ ...first, comments: { leading: [B.lineComment(text.replace(/[\r\n]/g, ' '))], trailing: null } }, ...rest];
}

/** The statements of every object, by phase, to follow the phase's other generated code. */
export function objectCode(config: ObjectsConfig, problems: Problems): Code {
  const conditions = new Conditions(config.conditions, problems);
  const code: Code = { recv: [], hash: [], hit: [], miss: [], pass: [], fetch: [], error: [], deliver: [], log: [] };
  code.recv.push(...backendRouting(config.backends, conditions));
  const headers = headerCode(config.headers, conditions, problems);
  const responses = responseObjectCode(config.responseObjects, conditions, problems);
  const settings = requestSettingsCode(config.requestSettings, conditions, problems);
  code.recv.push(...headers.recv, ...responses.recv, ...settings.recv);
  code.hash.push(...settings.hash);
  code.miss.push(...headers.miss);
  code.pass.push(...headers.pass);
  code.fetch.push(...headers.fetch, ...gzipCode(config.gzips, conditions), ...responses.fetch, ...cacheSettingsCode(config.cacheSettings, conditions));
  code.error.push(...settings.error, ...responses.error);
  code.deliver.push(...headers.deliver, ...settings.deliver);
  return code;
}

/**
 * A backend with a request condition is chosen when its condition matches; the last matching
 * condition in priority order wins, as each one's `set req.backend` replaces the one before.
 */
function backendRouting(backends: readonly BackendRecord[], conditions: Conditions): A.Statement[] {
  return flat(backends.filter((b) => b.request_condition !== null).map((b) => {
    const owner = `backend "${b.name}"`;
    const set = conditions.wrap(owner, 'request_condition', b.request_condition, [B.set('req.backend', B.ident(backendVclName(b.name)))]);
    return { key: [conditions.priority(owner, 'request_condition', b.request_condition), 0, b.name], statements: labelled(`Request Condition for backend ${b.name}`, set) };
  }));
}

/** The variable a header writes: its type's object and `dst` (`req.http.X-Foo`). */
export function headerTarget(h: Pick<HeaderRecord, 'type' | 'dst'>): string {
  return `${HEADER_PLACES[h.type].object}.${h.dst}`;
}

/** A header's action on its target, `src` already parsed. */
export function headerAction(h: HeaderRecord, src: A.Expression | null): A.Statement {
  const target = headerTarget(h);
  const value = src ?? B.str('');
  switch (h.action) {
    case 'delete': return B.unset(target);
    case 'append': return B.set(target, { kind: 'Concat', parts: [B.ident(target), value], separators: [' '], start: 0, end: 0, comments: { leading: [], trailing: null } });
    case 'regex':
    case 'regex_repeat':
      return B.set(target, B.call(h.action === 'regex' ? 'regsub' : 'regsuball', [value, B.str(h.regex ?? ''), B.str(h.substitution ?? '')]));
    case 'set':
    default:
      // ignore_if_set: "Don't add the header if it is added already. Only applies to 'set' action."
      return h.ignore_if_set ? B.ifThen(B.not(B.ident(target)), [B.set(target, value)]) : B.set(target, value);
  }
}

/** The condition field that guards a header, by its type (the others are refused when written). */
function headerCondition(h: HeaderRecord): { field: 'request_condition' | 'cache_condition' | 'response_condition'; name: string | null } {
  if (h.cache_condition !== null) return { field: 'cache_condition', name: h.cache_condition };
  if (h.response_condition !== null) return { field: 'response_condition', name: h.response_condition };
  return { field: 'request_condition', name: h.request_condition };
}

function headerCode(headers: readonly HeaderRecord[], conditions: Conditions, problems: Problems): Pick<Code, 'recv' | 'miss' | 'pass' | 'fetch' | 'deliver'> {
  const out: Record<'recv' | 'miss' | 'pass' | 'fetch' | 'deliver', Ordered[]> = { recv: [], miss: [], pass: [], fetch: [], deliver: [] };
  for (const h of headers) {
    const owner = `header "${h.name}"`;
    const src = h.action === 'delete' || h.src === null ? null : userExpression(h.src, owner, 'src', problems);
    const { field, name } = headerCondition(h);
    const statements = labelled(`Header rewrite ${h.name} : ${h.priority}`, conditions.wrap(owner, field, name, [headerAction(h, src)]));
    for (const phase of HEADER_PLACES[h.type].phases) {
      out[phase as keyof typeof out].push({ key: [h.priority, conditions.priority(owner, field, name), h.name], statements });
    }
  }
  return { recv: flat(out.recv), miss: flat(out.miss), pass: flat(out.pass), fetch: flat(out.fetch), deliver: flat(out.deliver) };
}

function responseObjectCode(objects: readonly ResponseObjectRecord[], conditions: Conditions, problems: Problems): Pick<Code, 'recv' | 'fetch' | 'error'> {
  const recv: Ordered[] = [];
  const fetch: Ordered[] = [];
  const error: A.Statement[] = [];
  if (objects.length > MAX_RESPONSE_OBJECTS) problems.add('too-many-response-objects', `a version may have at most ${MAX_RESPONSE_OBJECTS} response objects (it has ${objects.length})`);
  objects.slice(0, MAX_RESPONSE_OBJECTS).forEach((r, i) => {
    const owner = `response object "${r.name}"`;
    const status = RESPONSE_OBJECT_STATUS + i;
    const trigger = (): A.Statement[] => [B.error(status, 'Fastly Internal')];
    // A response object with no condition answers every request, as its request condition
    // would if it always matched.
    if (r.request_condition !== null || r.cache_condition === null) {
      recv.push({
        key: [conditions.priority(owner, 'request_condition', r.request_condition), 0, r.name],
        statements: labelled(`Response object ${r.name}`, conditions.wrap(owner, 'request_condition', r.request_condition, trigger())),
      });
    }
    if (r.cache_condition !== null) {
      fetch.push({
        key: [conditions.priority(owner, 'cache_condition', r.cache_condition), 0, r.name],
        statements: labelled(`Response object ${r.name}`, conditions.wrap(owner, 'cache_condition', r.cache_condition, trigger())),
      });
    }
    const answer: A.Statement[] = [];
    if (r.content_type !== null) answer.push(B.set('obj.http.Content-Type', problems.text(owner, 'content_type', r.content_type)));
    answer.push(B.synthetic(problems.text(owner, 'content', r.content ?? '')));
    answer.push(B.set('obj.status', B.int(r.status)), B.set('obj.response', problems.text(owner, 'response', r.response)), B.returnAction('deliver'));
    error.push(...labelled(`Response object ${r.name}`, [B.ifThen(B.binary('==', [B.ident('obj.status'), B.int(status)]), answer)]));
  });
  return { recv: flat(recv), fetch: flat(fetch), error };
}

/** A request setting's statements, field by field, in the order they run (vcl-check.ts checks each field's). */
export interface RequestSettingsParts {
  readonly recv: ReadonlyArray<{ readonly field: string; readonly statements: readonly A.Statement[] }>;
  readonly hash: readonly A.Statement[];
  readonly deliver: readonly A.Statement[];
}

export function requestSettingsParts(r: RequestSettingsRecord, hashKeys: readonly A.Expression[], problems: Problems): RequestSettingsParts {
  const owner = `request settings "${r.name}"`;
  const recv: Array<{ field: string; statements: A.Statement[] }> = [];
  if (r.default_host !== null) recv.push({ field: 'default_host', statements: [B.set('req.http.host', problems.text(owner, 'default_host', r.default_host))] });
  if (r.force_miss) recv.push({ field: 'force_miss', statements: [B.set('req.hash_always_miss', B.bool(true))] });
  if (r.bypass_busy_wait) recv.push({ field: 'bypass_busy_wait', statements: [B.set('req.hash_ignore_busy', B.bool(true))] });
  if (r.max_stale_age !== null && r.max_stale_age > 0) {
    const age = B.rtime(r.max_stale_age * 1000);
    recv.push({ field: 'max_stale_age', statements: [B.set('req.max_stale_if_error', age), B.set('req.max_stale_while_revalidate', age)] });
  }
  if (r.timer_support) {
    const start = B.lines([B.str('S'), B.ident('time.start.sec'), B.str('.'), B.ident('time.start.usec_frac')]);
    recv.push({ field: 'timer_support', statements: [B.ifThen(B.not(B.ident('req.http.X-Timer')), [B.set('req.http.X-Timer', start)])] });
  }
  // Force SSL: a request that did not arrive over TLS is redirected to https (vcl_error, 801).
  if (r.force_ssl) recv.push({ field: 'force_ssl', statements: [B.ifThen(B.not(B.ident('req.http.Fastly-SSL')), [B.error(FORCE_SSL_STATUS, 'Force SSL')])] });
  if (r.action !== null) recv.push({ field: 'action', statements: [B.returnAction(r.action)] });
  const hash = hashKeys.length === 0 ? [] : [...hashKeys.map((k) => B.set('req.hash', k, '+=')), B.returnAction('hash')];
  const deliver = r.timer_support
    ? [B.ifThen(B.ident('req.http.X-Timer'), [B.set('resp.http.X-Timer', B.lines([B.ident('req.http.X-Timer'), B.str(',VE'), B.ident('time.elapsed.msec')]))])]
    : [];
  return { recv, hash, deliver };
}

/** hash_keys: a comma-separated list of VCL expressions (`req.url, req.http.host`). */
export function hashKeyTexts(hashKeys: string | null): string[] {
  return (hashKeys ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
}

function requestSettingsCode(settings: readonly RequestSettingsRecord[], conditions: Conditions, problems: Problems): Pick<Code, 'recv' | 'hash' | 'error' | 'deliver'> {
  const recv: Ordered[] = [];
  const hash: Ordered[] = [];
  const deliver: Ordered[] = [];
  for (const r of settings) {
    const owner = `request settings "${r.name}"`;
    const keys = hashKeyTexts(r.hash_keys).map((k) => userExpression(k, owner, 'hash_keys', problems));
    const parts = requestSettingsParts(r, keys, problems);
    const key: Ordered['key'] = [conditions.priority(owner, 'request_condition', r.request_condition), 0, r.name];
    const guard = (statements: readonly A.Statement[]): A.Statement[] =>
      statements.length === 0 ? [] : labelled(`Request Settings ${r.name}`, conditions.wrap(owner, 'request_condition', r.request_condition, statements));
    recv.push({ key, statements: guard(parts.recv.flatMap((p) => p.statements)) });
    hash.push({ key, statements: guard(parts.hash) });
    deliver.push({ key, statements: parts.deliver.length === 0 ? [] : labelled(`Request Settings ${r.name}`, [...parts.deliver]) });
  }
  const error = settings.some((r) => r.force_ssl) ? labelled('Force SSL', [forceSslRedirect()]) : [];
  return { recv: flat(recv), hash: flat(hash), error, deliver: flat(deliver) };
}

/** Fastly's Force SSL answer: 301 to the same host and URL over https. */
function forceSslRedirect(): A.Statement {
  return B.ifThen(B.binary('==', [B.ident('obj.status'), B.int(FORCE_SSL_STATUS)]), [
    B.set('obj.status', B.int(301)),
    B.set('obj.response', B.str('Moved Permanently')),
    B.set('obj.http.Location', B.lines([B.str('https://'), B.ident('req.http.host'), B.ident('req.url')])),
    B.synthetic(B.str('')),
    B.returnAction('deliver'),
  ]);
}

/** ttl, stale_ttl (served stale while the origin fails: beresp.stale_if_error) and the action. */
export function cacheSettingsStatements(c: CacheSettingsRecord): A.Statement[] {
  const out: A.Statement[] = [];
  if (c.ttl !== null) out.push(B.set('beresp.ttl', B.rtime(c.ttl * 1000)));
  if (c.stale_ttl !== null) out.push(B.set('beresp.stale_if_error', B.rtime(c.stale_ttl * 1000)));
  if (c.action === 'pass') out.push(B.returnAction('pass'));
  else if (c.action === 'cache') out.push(B.returnAction('deliver'));
  else if (c.action === 'restart') out.push(B.restart());
  return out;
}

function cacheSettingsCode(settings: readonly CacheSettingsRecord[], conditions: Conditions): A.Statement[] {
  return flat(settings.map((c) => {
    const owner = `cache settings "${c.name}"`;
    return {
      key: [conditions.priority(owner, 'cache_condition', c.cache_condition), 0, c.name],
      statements: labelled(`Cache Settings ${c.name}`, conditions.wrap(owner, 'cache_condition', c.cache_condition, cacheSettingsStatements(c))),
    };
  }));
}

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;
const words = (list: string | null, fallback: readonly string[]): string[] => {
  const given = (list ?? '').split(/\s+/).filter((w) => w !== '');
  return given.length > 0 ? given : [...fallback];
};

/**
 * Fastly's gzip object in vcl_fetch: a 200 or 404 whose Content-Type or URL extension is listed
 * varies on Accept-Encoding and, when the client accepts gzip, is compressed (beresp.gzip).
 */
export function gzipStatement(g: GzipRecord): A.Statement {
  const types = words(g.content_types, DEFAULT_GZIP_CONTENT_TYPES).map((t) => t.replace(REGEX_SPECIAL, '\\$&'));
  const exts = words(g.extensions, DEFAULT_GZIP_EXTENSIONS).map((e) => e.replace(/^\./, '').replace(REGEX_SPECIAL, '\\$&'));
  const status = B.group(B.binary('||', [B.binary('==', [B.ident('beresp.status'), B.int(200)]), B.binary('==', [B.ident('beresp.status'), B.int(404)])]));
  const listed = B.group(B.binary('||', [
    B.binary('~', [B.ident('beresp.http.Content-Type'), B.str(`^(${types.join('|')})\\s*($|;)`)]),
    B.binary('~', [B.ident('req.url'), B.str(`\\.(${exts.join('|')})($|\\?)`)]),
  ]));
  const vary = B.ifThen(B.not(B.group(B.binary('~', [B.ident('beresp.http.Vary'), B.str('Accept-Encoding')]))), [
    B.ifElse(B.ident('beresp.http.Vary'),
      [B.set('beresp.http.Vary', B.lines([B.ident('beresp.http.Vary'), B.str(', Accept-Encoding')]))],
      [B.set('beresp.http.Vary', B.str('Accept-Encoding'))]),
  ]);
  // Fastly tests `== "gzip"` on an Accept-Encoding its edge has already normalised; lacquer keeps
  // the client's field as sent, so the test is a match.
  const accepts = B.ifThen(B.binary('~', [B.ident('req.http.Accept-Encoding'), B.str('gzip')]), [B.set('beresp.gzip', B.bool(true))]);
  return B.ifThen(B.binary('&&', [status, listed]), [vary, accepts]);
}

function gzipCode(gzips: readonly GzipRecord[], conditions: Conditions): A.Statement[] {
  return flat(gzips.map((g) => {
    const owner = `gzip "${g.name}"`;
    return {
      key: [conditions.priority(owner, 'cache_condition', g.cache_condition), 0, g.name],
      statements: labelled(`Gzip ${g.name}`, conditions.wrap(owner, 'cache_condition', g.cache_condition, [gzipStatement(g)])),
    };
  }));
}
