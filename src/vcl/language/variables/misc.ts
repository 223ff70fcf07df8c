// Fastly's variables of the server and POP, date and time, Fastly's miscellany (fastly.error,
// fastly_info.*, re.group.N), math constants and rate counters, from the variable reference
// (https://www.fastly.com/documentation/reference/vcl/variables/server/, …/date-and-time/,
// …/miscellaneous/, …/math-constants-limits/, …/rate-limiting/), and the local variables
// `declare local` makes. Entries with closures are the ones lacquer runs; define.ts explains an
// entry.
import { ALL, on, ro, v } from './define.ts';
import type { VariableSpec } from './define.ts';

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
  v('req.grace', 'RTIME', 'RW', ALL),
  v('req.max_stale_if_error', 'RTIME', 'RW', ALL),
  v('req.max_stale_while_revalidate', 'RTIME', 'RW', ALL),
  v('server.billing_region', 'STRING', 'RO', ALL),
  // ── date-and-time ──
  v('now', 'TIME', 'RO', ALL, ro(() => Date.now())),
  v('now.sec', 'STRING', 'RO', ALL),
  // ── miscellaneous ──
  v('req.vcl', 'STRING', 'RO', ALL),
  v('req.vcl.version', 'INTEGER', 'RO', ALL),
  v('req.vcl.generation', 'INTEGER', 'RO', ALL),
  v('req.vcl.md5', 'STRING', 'RO', ALL),
  v('req.service_id', 'STRING', 'RO', ALL),
  v('req.customer_id', 'STRING', 'RO', ALL),
  v('req.backend.name', 'STRING', 'RO', on('error', 'deliver', 'log')),
  v('req.backend.ip', 'IP', 'RO', on('error', 'deliver', 'log')),
  v('req.backend.port', 'INTEGER', 'RO', on('error', 'deliver', 'log')),
  v('fastly.ddos_detected', 'BOOL', 'RO', on('recv', 'hash', 'deliver', 'log')),
  v('fastly.is_staging', 'BOOL', 'RO', ALL),
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
  // ── math-constants-limits ──
  v('math.E', 'FLOAT', 'RO', ALL),
  v('math.LOG2E', 'FLOAT', 'RO', ALL),
  v('math.LOG10E', 'FLOAT', 'RO', ALL),
  v('math.LN2', 'FLOAT', 'RO', ALL),
  v('math.LN10', 'FLOAT', 'RO', ALL),
  v('math.PI', 'FLOAT', 'RO', ALL),
  v('math.2PI', 'FLOAT', 'RO', ALL),
  v('math.PI_2', 'FLOAT', 'RO', ALL),
  v('math.PI_4', 'FLOAT', 'RO', ALL),
  v('math.1_PI', 'FLOAT', 'RO', ALL),
  v('math.2_PI', 'FLOAT', 'RO', ALL),
  v('math.2_SQRTPI', 'FLOAT', 'RO', ALL),
  v('math.SQRT2', 'FLOAT', 'RO', ALL),
  v('math.SQRT1_2', 'FLOAT', 'RO', ALL),
  v('math.NAN', 'FLOAT', 'RO', ALL),
  v('math.POS_INFINITY', 'FLOAT', 'RO', ALL),
  v('math.NEG_INFINITY', 'FLOAT', 'RO', ALL),
  v('math.POS_HUGE_VAL', 'FLOAT', 'RO', ALL),
  v('math.NEG_HUGE_VAL', 'FLOAT', 'RO', ALL),
  v('math.FLOAT_MIN', 'FLOAT', 'RO', ALL),
  v('math.FLOAT_MAX', 'FLOAT', 'RO', ALL),
  v('math.FLOAT_EPSILON', 'FLOAT', 'RO', ALL),
  v('math.FLOAT_RADIX', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_MIN_10_EXP', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_MAX_10_EXP', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_MIN_EXP', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_MAX_EXP', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_MANT_DIG', 'INTEGER', 'RO', ALL),
  v('math.FLOAT_DIG', 'INTEGER', 'RO', ALL),
  v('math.INTEGER_MIN', 'INTEGER', 'RO', ALL),
  v('math.INTEGER_MAX', 'INTEGER', 'RO', ALL),
  v('math.INTEGER_BIT', 'INTEGER', 'RO', ALL),
  v('math.PHI', 'FLOAT', 'RO', ALL),
  v('math.TAU', 'FLOAT', 'RO', ALL),
  // ── rate-limiting ──
  v('ratecounter.{name}.bucket.10s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.bucket.20s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.bucket.30s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.bucket.40s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.bucket.50s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.bucket.60s', 'INTEGER', 'RO', ALL),
  v('ratecounter.{name}.rate.1s', 'FLOAT', 'RO', ALL),
  v('ratecounter.{name}.rate.10s', 'FLOAT', 'RO', ALL),
  v('ratecounter.{name}.rate.60s', 'FLOAT', 'RO', ALL),
];
