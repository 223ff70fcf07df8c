// Fastly's variables of the server and POP, date and time, Fastly's miscellany (fastly.error,
// fastly_info.*, re.group.N), math constants and rate counters, from the variable reference
// (https://www.fastly.com/documentation/reference/vcl/variables/server/, …/date-and-time/,
// …/miscellaneous/, …/math-constants-limits/, …/rate-limiting/), and the local variables
// `declare local` makes. Entries with closures are the ones lacquer runs; define.ts explains an
// entry.
import { ALL, on, ro, v } from './define.ts';
import type { VariableSpec } from './define.ts';
import { nowSec } from './request-values.ts';
import { cacheRequestField, generation } from './cache-values.ts';

/** A variable whose value never changes. */
const constant = (value: number) => ro(() => value);
import { rateCounterVariable } from './ratelimit.ts';

export const MISC: readonly VariableSpec[] = [
  // Locals: typed by their `declare local`, kept in the subroutine's frame (compile/scope.ts).
  v('var.{local}', 'declared', 'RW', ALL),
  // ── server ──
  v('server.ip', 'IP', 'RO', ALL, ro((c) => c.server.ip)),
  v('server.hostname', 'STRING', 'RO', ALL, ro((c) => c.server.hostname)),
  v('server.identity', 'STRING', 'RO', ALL, ro((c) => c.server.identity)),
  v('server.pop', 'STRING', 'RO', ALL, ro((c) => c.server.pop)),
  v('server.region', 'STRING', 'RO', ALL, ro((c) => c.server.pop)),
  v('server.datacenter', 'STRING', 'RO', ALL, ro((c) => c.server.pop)),
  v('server.port', 'INTEGER', 'RO', ALL, ro((c) => c.server.port)),
  v('req.is_clustering', 'BOOL', 'RO', ALL),
  v('req.restarts', 'INTEGER', 'RO', ALL, ro((c) => c.req.restarts)),
  v('req.grace', 'RTIME', 'RW', ALL, cacheRequestField('maxStaleIfError'), { aliasOf: 'req.max_stale_if_error' }),
  v('req.max_stale_if_error', 'RTIME', 'RW', ALL, cacheRequestField('maxStaleIfError')),
  v('req.max_stale_while_revalidate', 'RTIME', 'RW', ALL, cacheRequestField('maxStaleWhileRevalidate')),
  v('server.billing_region', 'STRING', 'RO', ALL),
  // ── date-and-time ──
  v('now', 'TIME', 'RO', ALL, ro(() => Date.now())),
  v('now.sec', 'STRING', 'RO', ALL, ro(nowSec)),
  // ── miscellaneous ──
  v('req.vcl', 'STRING', 'RO', ALL),
  v('req.vcl.version', 'INTEGER', 'RO', ALL, (_u, env) => { const version = env.version ?? 1; return ro(() => version); }),
  v('req.vcl.generation', 'INTEGER', 'RO', ALL, generation),
  v('req.vcl.md5', 'STRING', 'RO', ALL),
  v('req.service_id', 'STRING', 'RO', ALL, (_u, env) => { const id = env.serviceId ?? ''; return ro(() => id); }),
  v('req.customer_id', 'STRING', 'RO', ALL),
  // The backend the request was sent to (a director's member), else the one req.backend names.
  v('req.backend.name', 'STRING', 'RO', on('error', 'deliver', 'log'), ro((c) => c.backend ?? c.req.backend ?? '')),
  v('req.backend.ip', 'IP', 'RO', on('error', 'deliver', 'log')),
  v('req.backend.port', 'INTEGER', 'RO', on('error', 'deliver', 'log')),
  // Fastly's network-wide attack detection has no counterpart in lacquer: never detected.
  v('fastly.ddos_detected', 'BOOL', 'RO', on('recv', 'hash', 'deliver', 'log'), ro(() => false)),
  // lacquer has no staging network: every request is production traffic.
  v('fastly.is_staging', 'BOOL', 'RO', ALL, ro(() => false)),
  v('resp.stale', 'BOOL', 'RO', ALL),
  v('resp.stale.is_error', 'BOOL', 'RO', ALL),
  v('resp.stale.is_revalidating', 'BOOL', 'RO', ALL),
  v('fastly.error', 'STRING', 'RU', ALL, { get: (c) => c.fastlyError, unset: (c) => { c.fastlyError = null; } }),
  v('fastly_info.state', 'STRING', 'RO', ALL, ro((c) => c.fastlyInfoState)),
  v('fastly.ff.visits_this_pop_this_service', 'INTEGER', 'RO', on('miss')),
  v('fastly.ff.visits_this_service', 'INTEGER', 'RO', ALL, ro((c) => c.visitsThisService ?? 0)),
  // Fastly's clustering guide: the delivery node is the cluster edge, the fetch node the cluster shield.
  v('fastly_info.is_cluster_edge', 'BOOL', 'RO', ALL, ro((c) => c.clusterRole === 'edge')),
  v('fastly_info.is_cluster_shield', 'BOOL', 'RO', ALL, ro((c) => c.clusterRole === 'shield')),
  v('fastly.ff.visits_this_pop', 'INTEGER', 'RO', ALL),
  // The checker makes sure NAME is a declared director (or backend).
  v('director.{name}.healthy', 'BOOL', 'RO', ALL, ({ param }) => {
    const d = param ?? '';
    return ro((c) => c.isHealthy(d));
  }),
  v('re.group.{N}', 'STRING', 'RO', ALL, ({ param }) => {
    const n = Number(param);
    return ro((c) => c.reGroups[n] ?? null);
  }),
  v('workspace.bytes_free', 'INTEGER', 'RO', ALL),
  v('workspace.bytes_total', 'INTEGER', 'RO', ALL),
  v('workspace.overflowed', 'BOOL', 'RO', ALL),
  // Not in Fastly's reference, but Fastly accepts it and its own examples (S3 request signing)
  // use it: a line feed, for strings that must hold one.
  v('LF', 'STRING', 'RO', ALL, ro(() => '\n')),
  // ── math-constants-limits ── (C's <float.h> and <math.h> values for IEEE 754 doubles)
  v('math.E', 'FLOAT', 'RO', ALL, constant(Math.E)),
  v('math.LOG2E', 'FLOAT', 'RO', ALL, constant(Math.LOG2E)),
  v('math.LOG10E', 'FLOAT', 'RO', ALL, constant(Math.LOG10E)),
  v('math.LN2', 'FLOAT', 'RO', ALL, constant(Math.LN2)),
  v('math.LN10', 'FLOAT', 'RO', ALL, constant(Math.LN10)),
  v('math.PI', 'FLOAT', 'RO', ALL, constant(Math.PI)),
  v('math.2PI', 'FLOAT', 'RO', ALL, constant(2 * Math.PI)),
  v('math.PI_2', 'FLOAT', 'RO', ALL, constant(Math.PI / 2)),
  v('math.PI_4', 'FLOAT', 'RO', ALL, constant(Math.PI / 4)),
  v('math.1_PI', 'FLOAT', 'RO', ALL, constant(1 / Math.PI)),
  v('math.2_PI', 'FLOAT', 'RO', ALL, constant(2 / Math.PI)),
  v('math.2_SQRTPI', 'FLOAT', 'RO', ALL, constant(2 / Math.sqrt(Math.PI))),
  v('math.SQRT2', 'FLOAT', 'RO', ALL, constant(Math.SQRT2)),
  v('math.SQRT1_2', 'FLOAT', 'RO', ALL, constant(Math.SQRT1_2)),
  v('math.NAN', 'FLOAT', 'RO', ALL, constant(NaN)),
  v('math.POS_INFINITY', 'FLOAT', 'RO', ALL, constant(Infinity)),
  v('math.NEG_INFINITY', 'FLOAT', 'RO', ALL, constant(-Infinity)),
  v('math.POS_HUGE_VAL', 'FLOAT', 'RO', ALL, constant(Infinity)),
  v('math.NEG_HUGE_VAL', 'FLOAT', 'RO', ALL, constant(-Infinity)),
  v('math.FLOAT_MIN', 'FLOAT', 'RO', ALL, constant(2.2250738585072014e-308)),
  v('math.FLOAT_MAX', 'FLOAT', 'RO', ALL, constant(Number.MAX_VALUE)),
  v('math.FLOAT_EPSILON', 'FLOAT', 'RO', ALL, constant(Number.EPSILON)),
  v('math.FLOAT_RADIX', 'INTEGER', 'RO', ALL, constant(2)),
  v('math.FLOAT_MIN_10_EXP', 'INTEGER', 'RO', ALL, constant(-307)),
  v('math.FLOAT_MAX_10_EXP', 'INTEGER', 'RO', ALL, constant(308)),
  v('math.FLOAT_MIN_EXP', 'INTEGER', 'RO', ALL, constant(-1021)),
  v('math.FLOAT_MAX_EXP', 'INTEGER', 'RO', ALL, constant(1024)),
  v('math.FLOAT_MANT_DIG', 'INTEGER', 'RO', ALL, constant(53)),
  v('math.FLOAT_DIG', 'INTEGER', 'RO', ALL, constant(15)),
  v('math.INTEGER_MIN', 'INTEGER', 'RO', ALL, constant(Number(-(2n ** 63n)))),
  v('math.INTEGER_MAX', 'INTEGER', 'RO', ALL, constant(Number(2n ** 63n - 1n))),
  v('math.INTEGER_BIT', 'INTEGER', 'RO', ALL, constant(64)),
  v('math.PHI', 'FLOAT', 'RO', ALL, constant((1 + Math.sqrt(5)) / 2)),
  v('math.TAU', 'FLOAT', 'RO', ALL, constant(2 * Math.PI)),
  // ── rate-limiting ──
  v('ratecounter.{name}.bucket.10s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 10)),
  v('ratecounter.{name}.bucket.20s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 20)),
  v('ratecounter.{name}.bucket.30s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 30)),
  v('ratecounter.{name}.bucket.40s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 40)),
  v('ratecounter.{name}.bucket.50s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 50)),
  v('ratecounter.{name}.bucket.60s', 'INTEGER', 'RO', ALL, rateCounterVariable('bucket', 60)),
  v('ratecounter.{name}.rate.1s', 'FLOAT', 'RO', ALL, rateCounterVariable('rate', 1)),
  v('ratecounter.{name}.rate.10s', 'FLOAT', 'RO', ALL, rateCounterVariable('rate', 10)),
  v('ratecounter.{name}.rate.60s', 'FLOAT', 'RO', ALL, rateCounterVariable('rate', 60)),
];
