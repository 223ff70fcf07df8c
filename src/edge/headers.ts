// Header rules at the two hops the edge owns: client → edge → origin, and origin → edge → client.
// Headers are always built into a new object (STYLE.md habit 3); the incoming object is never
// edited. Names are lower-case, as Node's parser and undici deliver them.

import type { BackendDefinition } from '../model/backend.ts';

export type HeaderValue = string | readonly string[];
export type InHeaders = Readonly<Record<string, HeaderValue | undefined>>;
export type OutHeaders = Record<string, string | string[]>;

// RFC 9110 §7.6.1: connection-specific fields a proxy must not forward, whether or not the
// Connection field names them. `expect` is answered by the edge's own server (RFC 9110 §10.1.1)
// and undici refuses to forward it.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'expect',
]);

/** `Connection` values that name no other field: the usual `keep-alive` and `close`. */
const ONLY_HOP_BY_HOP = /^\s*(?:keep-alive|close)\s*$/i;

/** RFC 9110 §7.6.1: a field every hop removes, whatever the Connection field says. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name);
}

/**
 * The other fields the `Connection` field names (they go too), or null for none — the usual
 * case: no `Connection` field, or one naming only hop-by-hop fields, builds no token set.
 */
export function namedByConnection(headers: InHeaders): ReadonlySet<string> | null {
  const connection = headers['connection'];
  if (connection === undefined || (typeof connection === 'string' && ONLY_HOP_BY_HOP.test(connection))) return null;
  const extra = listTokens(connection).filter((t) => !HOP_BY_HOP.has(t));
  return extra.length > 0 ? new Set(extra) : null;
}

function listTokens(value: HeaderValue | undefined): string[] {
  if (value === undefined) return [];
  const joined = typeof value === 'string' ? value : value.join(',');
  return joined.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
}

/**
 * A copy without hop-by-hop fields, including every field the `Connection` header names.
 * Names are taken as they are: every caller holds lower-case names (Node's parser, undici and
 * HeaderMap all lower-case them). This runs twice per proxied request, so the common case — no
 * `Connection` header, or one naming only hop-by-hop fields — builds no token set.
 */
export function stripHopByHop(headers: InHeaders): OutHeaders {
  const named = namedByConnection(headers);
  const out: OutHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    // `__proto__` would set the plain object's prototype instead of adding a field.
    if (value === undefined || HOP_BY_HOP.has(name) || (named !== null && named.has(name)) || name === '__proto__') continue;
    out[name] = typeof value === 'string' ? value : [...value];
  }
  return out;
}

export function appendList(existing: HeaderValue | undefined, item: string): string {
  if (existing === undefined) return item;
  const prior = typeof existing === 'string' ? existing : existing.join(', ');
  return prior.trim() === '' ? item : `${prior}, ${item}`;
}

/**
 * How many times `cdnId` already appears in the `CDN-Loop` field (RFC 8586 §2: a list of
 * `cdn-id *( OWS ";" OWS parameter )`, compared case-insensitively as the host/token it is).
 */
export function cdnLoopCount(headers: InHeaders, cdnId: string): number {
  const want = cdnId.toLowerCase();
  let n = 0;
  for (const member of listTokens(headers['cdn-loop'])) {
    if (member.split(';')[0].trim() === want) n += 1;
  }
  return n;
}

/** A request that already passed this POP twice is looping (answer 508 Loop Detected). */
export function isLoop(headers: InHeaders, cdnId: string): boolean {
  return cdnLoopCount(headers, cdnId) >= 2;
}

export interface UpstreamHeaderContext {
  /** The connecting client's socket address (never a header value the client sent). */
  readonly clientIp: string;
  /** This POP's CDN-Loop identifier. */
  readonly cdnId: string;
  /** What a request that passed fleet nodes carries on (src/edge/fleet/hop.ts); absent off a fleet. */
  readonly hop?: HopHeaders;
}

/** DESIGN.md §4.4: the fields every hop between fleet nodes (and on to the origin) carries. */
export interface HopHeaders {
  /** True-Client-IP and Fastly-Client-IP as a fleet node sent them (kept), or null: the connecting address. */
  readonly trueClientIp: string | null;
  /** Fastly-FF to send: the one a fleet node sent, with this node's entry appended. */
  readonly fastlyFf: string;
  /** A cluster hop stays inside the POP, so it does not name the POP in CDN-Loop again. */
  readonly leavesPop: boolean;
  /** To fleet nodes only: the hop's credential (src/edge/fleet/credential.ts). */
  readonly credential: readonly [name: string, value: string] | null;
}

/** The Host the origin sees when the request carries none and no `.host_header` is set. */
function defaultHost(b: BackendDefinition): string {
  const standard = b.ssl ? 443 : 80;
  const host = b.host.includes(':') ? `[${b.host}]` : b.host;
  return b.port === standard ? host : `${host}:${b.port}`;
}

/**
 * The headers sent to the origin for a request (Fastly: bereq). Hop-by-hop fields go;
 * True-Client-IP and Fastly-Client-IP are replaced by the socket address, X-Forwarded-For and
 * CDN-Loop are appended; Host follows `.host_header` (only when the request has none) or
 * `.always_use_host_header` (https://www.fastly.com/documentation/reference/vcl/declarations/backend/).
 *
 * Fastly-Client-IP: Fastly adds it when a request arrives without one and keeps one a client
 * sent, and its documentation tells every service to overwrite it in vcl_recv on the first visit
 * so that it cannot be spoofed
 * (https://www.fastly.com/documentation/reference/http/http-headers/Fastly-Client-IP/). Every
 * request lacquer forwards is a first visit, so it does that itself, as DESIGN §4.4 has it do
 * for True-Client-IP: origins that trust either field see the connecting address, never a
 * client's claim.
 */
export function buildUpstreamHeaders(request: InHeaders, backend: BackendDefinition, ctx: UpstreamHeaderContext): OutHeaders {
  const out = stripHopByHop(request);
  const hop = ctx.hop;
  const trueClientIp = hop?.trueClientIp ?? null;
  out['true-client-ip'] = trueClientIp ?? ctx.clientIp;
  out['fastly-client-ip'] = trueClientIp ?? ctx.clientIp;
  out['x-forwarded-for'] = appendList(out['x-forwarded-for'], ctx.clientIp);
  if (hop === undefined || hop.leavesPop) out['cdn-loop'] = appendList(out['cdn-loop'], ctx.cdnId);
  if (hop !== undefined) {
    out['fastly-ff'] = hop.fastlyFf;
    if (hop.credential !== null) out[hop.credential[0]] = hop.credential[1];
  }
  out['host'] = upstreamHost(out['host'], backend);
  return out;
}

/**
 * The Host the origin gets, from the request's (after hop-by-hop removal) and the backend's
 * `.host_header` / `.always_use_host_header`; `buildUpstreamHeaders` and the exchange's own
 * request head (upstream/request-head.ts) both take it from here.
 */
export function upstreamHost(host: HeaderValue | undefined, backend: BackendDefinition): string {
  const hasHost = host !== undefined && (typeof host === 'string' ? host !== '' : host.length > 0);
  if (backend.hostHeader !== null && (backend.alwaysUseHostHeader || !hasHost)) return backend.hostHeader;
  if (!hasHost) return defaultHost(backend);
  // RFC 9112 §3.2: exactly one Host; a list is malformed, keep the first.
  return typeof host === 'string' ? host : host[0];
}

/** The headers of an origin response as they may be stored or delivered to a client. */
export function buildDownstreamHeaders(response: InHeaders): OutHeaders {
  return stripHopByHop(response);
}
