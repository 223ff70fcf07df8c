// The fields of a hop between fleet nodes (DESIGN.md §4.4), on the way in and on the way out.
//
// In: a request is from the fleet only when its credential verifies (./credential.ts). Then its
// Fastly-FF and True-Client-IP are kept and `fastly.ff.visits_this_service` counts the entries of
// this service in its Fastly-FF; from anyone else they are not believed (visits 0, True-Client-IP
// replaced by the connecting address), and the fleet's internal fields are removed either way.
// Out: every request this node sends — to a member of its POP, to a shield POP, to the origin —
// carries Fastly-FF with this node's entry appended (Fastly's format, one
// `{salted service hash}!{POP}!{node}` per node passed), CDN-Loop (appended when the hop leaves
// the POP: a cluster hop stays inside it), and to fleet nodes only, a credential.
import { BACKEND_DEFAULTS, type BackendDefinition } from '../../model/backend.ts';
import type { RequestContext } from '../context.ts';
import type { HeaderMap } from '../header-map.ts';
import type { HopHeaders } from '../headers.ts';
import { FLEET_CREDENTIAL } from './credential.ts';
import type { FleetView } from './view.ts';

/** Request fields of a cluster hop: the cache key, service and backend the delivery member decided. */
export const CLUSTER_KEY = 'lacquer-cluster-key';
export const CLUSTER_SERVICE = 'lacquer-cluster-service';
export const CLUSTER_BACKEND = 'lacquer-cluster-backend';
const INTERNAL_REQUEST_FIELDS = [FLEET_CREDENTIAL, CLUSTER_KEY, CLUSTER_SERVICE, CLUSTER_BACKEND] as const;

function one(v: string | string[] | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : typeof v === 'string' ? v : v[0];
}

/**
 * Judges where a request comes from and removes the fleet's internal fields from it. Returns
 * whether the credential verified.
 */
export function arrive(ctx: RequestContext, fleet: FleetView | null, http: HeaderMap): boolean {
  ctx.fleet = fleet;
  const fields = http.fields;
  const credential = one(fields[FLEET_CREDENTIAL]);
  const fromFleet = fleet !== null && credential !== undefined
    && fleet.credential.verify(credential, ctx.req.method, one(fields.host) ?? '', ctx.req.url);
  for (const name of INTERNAL_REQUEST_FIELDS) if (fields[name] !== undefined) delete fields[name];
  if (!fromFleet || fleet === null) {
    // Fastly-Client-IP as Fastly has it in vcl_recv: "a copy of the initial value of client.ip"
    // (https://www.fastly.com/documentation/reference/http/http-headers/Fastly-Client-IP/), so VCL
    // that reads it (ACLs, client.geo.ip_override) sees the client. A client's own value is
    // replaced, as Fastly's page tells every service to do on the first visit (../headers.ts).
    http.set('fastly-client-ip', ctx.clientIp);
    return false;
  }
  ctx.fromFleet = true;
  const ff = one(fields['fastly-ff']);
  ctx.fastlyFf = ff ?? null;
  ctx.trueClientIp = one(fields['true-client-ip']) ?? null;
  // From a fleet node it stays what the first node set: "Fastly-Client-IP doesn't change when
  // being forwarded from one Fastly server to another".
  if (ctx.trueClientIp !== null) http.set('fastly-client-ip', ctx.trueClientIp);
  if (ff !== undefined) {
    const mine = fleet.credential.serviceHash(ctx.service.serviceId);
    let n = 0;
    for (const entry of ff.split(',')) if (entry.trim().split('!')[0] === mine) n++;
    ctx.visitsThisService = n;
  }
  return true;
}

/** The hop fields of a request this node sends on (to a fleet node when `signFor` is given). */
export function hopHeaders(ctx: RequestContext, leavesPop: boolean, signFor: { method: string; host: string; url: string } | null): HopHeaders | undefined {
  const fleet = ctx.fleet;
  if (fleet === null) return undefined;
  const entry = `${fleet.credential.serviceHash(ctx.service.serviceId)}!${ctx.server.pop}!${ctx.server.identity}`;
  return {
    trueClientIp: ctx.fromFleet ? ctx.trueClientIp : null,
    fastlyFf: ctx.fastlyFf === null ? entry : `${ctx.fastlyFf}, ${entry}`,
    leavesPop,
    credential: signFor === null ? null : [FLEET_CREDENTIAL, fleet.credential.sign(signFor.method, signFor.host, signFor.url)],
  };
}

const hopBackends = new Map<string, BackendDefinition>();

/**
 * A fleet node as the upstream exchange's backend: its URL, with the timeouts of the backend the
 * request is for (the node behind it waits on that backend). Kept per URL and timeouts, so its
 * keep-alive connections are reused across requests.
 */
export function fleetBackend(url: string, forBackend: BackendDefinition | null): BackendDefinition {
  const firstByte = forBackend?.firstByteTimeoutMs ?? BACKEND_DEFAULTS.firstByteTimeoutMs;
  const betweenBytes = forBackend?.betweenBytesTimeoutMs ?? BACKEND_DEFAULTS.betweenBytesTimeoutMs;
  const id = `${url} ${firstByte} ${betweenBytes}`;
  let b = hopBackends.get(id);
  if (b === undefined) {
    const u = new URL(url);
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    b = {
      name: `fleet:${u.host}`, shareKey: 'fleet', dynamic: true, host, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      ssl: u.protocol === 'https:', sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null,
      minTlsVersion: null, maxTlsVersion: null, sslCiphers: null,
      connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: firstByte, betweenBytesTimeoutMs: betweenBytes,
      // A hop never refuses for lack of a slot: the backend's own max_conn is judged where it is fetched.
      maxConnections: 0, hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: null, preferIpv6: false,
      errorThreshold: 0, probe: null,
    };
    if (hopBackends.size > 1024) hopBackends.clear();
    hopBackends.set(id, b);
  }
  return b;
}
