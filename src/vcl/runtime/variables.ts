// Fastly's predefined variables that lacquer runs, each resolved at compile time to a
// getter and (where VCL may write it) a setter closure, so a request never looks a
// variable up by name. Which subroutine may read or write which variable is the checker's
// business (src/vcl/language/variables.ts); this table is about how, not where.
// Reference: https://www.fastly.com/documentation/reference/vcl/variables/
import type { VclContext } from '../compile/compiled.ts';
import type { Eval, Frame } from './value.ts';
import type { VclType } from './types.ts';
import { BAGS, getSubfield, setSubfield, subfieldSeparator, unsetSubfield } from './headers.ts';
import type { HeaderScope } from './headers.ts';

type Setter = (ctx: VclContext, frame: Frame, value: unknown) => void;

export interface Variable {
  readonly type: VclType;
  readonly get: Eval<unknown> | null;
  readonly set: Setter | null;
  readonly unset: ((ctx: VclContext, frame: Frame) => void) | null;
  /** `add req.http.X = …`: only headers have it. */
  readonly add: Setter | null;
}

export interface VariableEnv {
  /** What `req.backend` reads before VCL sets it. */
  readonly defaultBackend: string | null;
  /** Declared backends and directors (for `backend.NAME.healthy`). */
  readonly backends: ReadonlySet<string>;
}

const ro = (type: VclType, get: Eval<unknown>): Variable => ({ type, get, set: null, unset: null, add: null });
const rw = (type: VclType, get: Eval<unknown>, set: Setter): Variable => ({ type, get, set, unset: null, add: null });

/** Variables whose access does not depend on the service. */
const FIXED: Readonly<Record<string, Variable>> = {
  'req.url': rw('STRING', (c) => c.req.url, (c, _f, v) => { c.req.url = (v as string | null) ?? ''; }),
  'req.method': rw('STRING', (c) => c.req.method, (c, _f, v) => { c.req.method = (v as string | null) ?? ''; }),
  'req.request': rw('STRING', (c) => c.req.method, (c, _f, v) => { c.req.method = (v as string | null) ?? ''; }),
  'req.proto': ro('STRING', (c) => c.req.proto),
  'req.url.path': ro('STRING', (c) => urlPath(c.req.url)),
  'req.url.qs': ro('STRING', (c) => urlQuery(c.req.url)),
  'req.restarts': ro('INTEGER', (c) => c.req.restarts),
  'req.is_ipv6': ro('BOOL', (c) => c.clientIp.includes(':')),
  'client.ip': ro('IP', (c) => c.clientIp),
  'client.identity': rw('STRING', (c) => c.clientIdentity ?? c.clientIp, (c, _f, v) => { c.clientIdentity = v as string | null; }),
  'server.hostname': ro('STRING', (c) => c.server.hostname),
  'server.identity': ro('STRING', (c) => c.server.identity),
  'server.ip': ro('IP', (c) => c.server.ip),
  'server.port': ro('INTEGER', (c) => c.server.port),
  'server.region': ro('STRING', (c) => c.server.pop),
  'server.datacenter': ro('STRING', (c) => c.server.pop),
  'bereq.url': rw('STRING', (c) => c.bereq!.url, (c, _f, v) => { c.bereq!.url = (v as string | null) ?? ''; }),
  'bereq.method': rw('STRING', (c) => c.bereq!.method, (c, _f, v) => { c.bereq!.method = (v as string | null) ?? ''; }),
  'bereq.proto': ro('STRING', (c) => c.bereq!.proto),
  'beresp.status': rw('INTEGER', (c) => c.beresp!.status, (c, _f, v) => { c.beresp!.status = v as number; }),
  'beresp.response': rw('STRING', (c) => c.beresp!.response, (c, _f, v) => { c.beresp!.response = (v as string | null) ?? ''; }),
  'beresp.ttl': rw('RTIME', (c) => c.beresp!.ttl, (c, _f, v) => { c.beresp!.ttl = v as number; }),
  'beresp.grace': rw('RTIME', (c) => c.beresp!.grace, (c, _f, v) => { c.beresp!.grace = v as number; }),
  'beresp.stale_if_error': rw('RTIME', (c) => c.beresp!.staleIfError, (c, _f, v) => { c.beresp!.staleIfError = v as number; }),
  'beresp.stale_while_revalidate': rw('RTIME', (c) => c.beresp!.staleWhileRevalidate, (c, _f, v) => { c.beresp!.staleWhileRevalidate = v as number; }),
  'beresp.cacheable': rw('BOOL', (c) => c.beresp!.cacheable, (c, _f, v) => { c.beresp!.cacheable = v as boolean; }),
  'obj.status': rw('INTEGER', (c) => c.obj!.status, (c, _f, v) => { c.obj!.status = v as number; }),
  'obj.response': rw('STRING', (c) => c.obj!.response, (c, _f, v) => { c.obj!.response = (v as string | null) ?? ''; }),
  'obj.ttl': rw('RTIME', (c) => c.obj!.ttl, (c, _f, v) => { c.obj!.ttl = v as number; }),
  'obj.hits': ro('INTEGER', (c) => c.obj!.hits),
  'obj.age': ro('RTIME', (c) => c.obj!.age),
  'resp.status': rw('INTEGER', (c) => c.resp!.status, (c, _f, v) => { c.resp!.status = v as number; }),
  'resp.response': rw('STRING', (c) => c.resp!.response, (c, _f, v) => { c.resp!.response = (v as string | null) ?? ''; }),
  'now': ro('TIME', () => Date.now()),
  'time.elapsed': ro('RTIME', (c) => (Date.now() - c.startTime) / 1000),
  'fastly.error': ro('STRING', (c) => c.fastlyError),
  'fastly_info.state': ro('STRING', (c) => c.fastlyInfoState),
  'stale.exists': ro('STRING', (c) => (c.staleExists ? '1' : null)),
  // `set req.hash += x` appends to the cache key (vcl_hash); only `+=` is meaningful.
  'req.hash': { type: 'STRING', get: null, set: (c, _f, v) => { c.hashData.push((v as string | null) ?? ''); }, unset: null, add: null },
};

function urlPath(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function urlQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

const HEADER_RE = /^(req|bereq|beresp|obj|resp)\.http\.([^:]+)(?::(.+))?$/;
const HEALTH_RE = /^backend\.([A-Za-z_][A-Za-z0-9_]*)\.healthy$/;
const GROUP_RE = /^re\.group\.(\d+)$/;

/** The access closures of a predefined variable, or null when lacquer has no such variable. */
export function resolveVariable(name: string, env: VariableEnv): Variable | null {
  const fixed = FIXED[name];
  if (fixed !== undefined) return fixed;
  const h = HEADER_RE.exec(name);
  if (h !== null) return h[3] === undefined ? header(h[1] as HeaderScope, h[2]) : subfield(h[1] as HeaderScope, h[2], h[3]);
  if (name === 'req.backend') {
    const def = env.defaultBackend;
    return rw('BACKEND', (c) => c.req.backend ?? def, (c, _f, v) => { c.req.backend = v as string | null; });
  }
  if (name === 'req.backend.healthy') {
    const def = env.defaultBackend;
    return ro('BOOL', (c) => {
      const b = c.req.backend ?? def;
      return b !== null && c.isHealthy(b);
    });
  }
  const health = HEALTH_RE.exec(name);
  if (health !== null && env.backends.has(health[1])) {
    const b = health[1];
    return ro('BOOL', (c) => c.isHealthy(b));
  }
  const g = GROUP_RE.exec(name);
  if (g !== null) {
    const n = Number(g[1]);
    return ro('STRING', (c) => c.reGroups[n] ?? null);
  }
  return null;
}

function header(scope: HeaderScope, rawName: string): Variable {
  const bag = BAGS[scope];
  const name = rawName.toLowerCase();
  return {
    type: 'STRING',
    get: (c) => bag(c).get(name),
    // Assigning "not set" (e.g. another absent header) leaves the header absent.
    set: (c, _f, v) => { if (v === null) bag(c).unset(name); else bag(c).set(name, v as string); },
    unset: (c) => bag(c).unset(name),
    add: (c, _f, v) => { if (v !== null) bag(c).add(name, v as string); },
  };
}

function subfield(scope: HeaderScope, rawName: string, key: string): Variable {
  const bag = BAGS[scope];
  const name = rawName.toLowerCase();
  const sep = subfieldSeparator(name);
  return {
    type: 'STRING',
    get: (c) => getSubfield(bag(c).get(name), key, sep),
    set: (c, _f, v) => { bag(c).set(name, setSubfield(bag(c).get(name), key, (v as string | null) ?? '', sep)); },
    unset: (c) => {
      const b = bag(c);
      const left = unsetSubfield(b.get(name), key, sep);
      if (left === null) b.unset(name);
      else b.set(name, left);
    },
    add: null,
  };
}
