// The runtime definition of a backend and its probe: what the VCL compiler produces from a
// `backend NAME { … }` declaration (whether a user wrote it or src/model/generate.ts wrote it
// from API objects), and what src/edge and src/health consume. Units are normalised here:
// every duration is milliseconds, every flag a boolean, every optional value `null`.
//
// Defaults are Fastly's for backends (https://www.fastly.com/documentation/reference/vcl/declarations/backend/)
// and Varnish 7.1's for probes (include/tbl/backend_poll.h, bin/varnishd/cache/cache_backend_probe.c).

export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';

export interface ProbeDefinition {
  /** `.dummy = true`: resolve the host only, never speak HTTP. */
  readonly dummy: boolean;
  /** Request lines without their CRLF, already resolved (the default request is built in). */
  readonly request: readonly string[];
  readonly expectedResponse: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly window: number;
  readonly threshold: number;
  /** Good results credited at start; already defaulted (threshold - 1) and clamped (≤ threshold). */
  readonly initial: number;
}

export interface BackendDefinition {
  /** The VCL name (`F_origin` for API backends). */
  readonly name: string;
  readonly shareKey: string;
  readonly dynamic: boolean;
  /** IPv4 or IPv6 literal, or a DNS name (resolved at use). */
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly sslCertHostname: string | null;
  readonly sslSniHostname: string | null;
  readonly sslCheckCert: boolean;
  /** PEM text of extra CA certificates to trust, or null for the system store. */
  readonly sslCaCert: string | null;
  readonly minTlsVersion: TlsVersion | null;
  readonly maxTlsVersion: TlsVersion | null;
  readonly sslCiphers: string | null;
  readonly connectTimeoutMs: number;
  readonly firstByteTimeoutMs: number;
  readonly betweenBytesTimeoutMs: number;
  readonly maxConnections: number;
  readonly hostHeader: string | null;
  readonly alwaysUseHostHeader: boolean;
  readonly keepaliveTimeMs: number | null;
  readonly preferIpv6: boolean;
  /** Consecutive connection / first-byte failures that mark the backend sick in this POP (0 = off). */
  readonly errorThreshold: number;
  /** null: the backend has no probe and is always healthy (unless set otherwise by an operator). */
  readonly probe: ProbeDefinition | null;
}

export const BACKEND_DEFAULTS = {
  port: 80,
  connectTimeoutMs: 1_000,
  firstByteTimeoutMs: 15_000,
  betweenBytesTimeoutMs: 10_000,
  maxConnections: 200,
  sslCheckCert: true,
  errorThreshold: 0,
} as const;

export const PROBE_DEFAULTS = {
  window: 8,
  threshold: 3,
  intervalMs: 5_000,
  timeoutMs: 2_000,
  expectedResponse: 200,
} as const;

/** The request a probe sends when `.request` is not given (Varnish vbp_build_req). */
export function defaultProbeRequest(url: string, host: string): string[] {
  return [`GET ${url} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
}

/** The part of a backend that decides what goes on the wire to the origin. */
function wireFields(b: BackendDefinition): unknown[] {
  return [
    b.host, b.port, b.ssl, b.sslCertHostname, b.sslSniHostname, b.sslCheckCert, b.sslCaCert,
    b.minTlsVersion, b.maxTlsVersion, b.sslCiphers, b.hostHeader, b.alwaysUseHostHeader, b.preferIpv6,
  ];
}

// Definitions are immutable, and the edge asks for a backend's identities on every request and
// the registry on every sync: each is serialised once per definition object.
const probeIdentities = new WeakMap<BackendDefinition, string>();
const poolIdentities = new WeakMap<BackendDefinition, string>();

/**
 * Health identity: backends with the same share key and the same normalised definition
 * (probe included) share one probe and one health state per POP, in whichever service they
 * are declared (DESIGN.md §1 health/, §4.6 Health). The VCL name is not part of it.
 */
export function probeIdentity(b: BackendDefinition): string {
  let id = probeIdentities.get(b);
  if (id === undefined) {
    const p = b.probe;
    const probe = p === null ? null : [p.dummy, p.request, p.expectedResponse, p.intervalMs, p.timeoutMs, p.window, p.threshold, p.initial];
    probeIdentities.set(b, (id = JSON.stringify([b.shareKey, ...wireFields(b), probe])));
  }
  return id;
}

/**
 * Pool identity: backends with the same identity may share one upstream connection pool.
 * Everything that changes how a connection is made or how requests on it behave is in it.
 */
export function poolIdentity(b: BackendDefinition): string {
  let id = poolIdentities.get(b);
  if (id === undefined) {
    poolIdentities.set(b, (id = JSON.stringify([
      b.shareKey, ...wireFields(b), b.connectTimeoutMs, b.firstByteTimeoutMs, b.betweenBytesTimeoutMs,
      b.maxConnections, b.keepaliveTimeMs,
    ])));
  }
  return id;
}

export type ProbeCounts =
  | { readonly ok: true; readonly window: number; readonly threshold: number; readonly initial: number }
  | { readonly ok: false; readonly message: string };

/**
 * `.window`, `.threshold` and `.initial` as Varnish 7.1 settles them: checked at compile time
 * (lib/libvcc/vcc_backend.c vcc_ParseProbeSpec), defaulted at load (cache_backend_probe.c
 * vbp_set_defaults: 0 means the default; initial defaults to threshold − 1 and is clamped to
 * threshold). `undefined` means the VCL left the field out.
 */
export function resolveProbeCounts(spec: { window?: number; threshold?: number; initial?: number }): ProbeCounts {
  let window = 0;
  let threshold = 0;
  if (spec.window !== undefined && spec.threshold === undefined) {
    return { ok: false, message: 'Must specify .threshold with .window' };
  }
  if (spec.threshold !== undefined) {
    threshold = spec.threshold;
    if (spec.window === undefined) {
      if (threshold > 64) return { ok: false, message: 'Threshold must be 64 or less.' };
      // Varnish emits threshold + 1 (65 for 64); a 64-bit register never holds more than 64.
      window = Math.min(threshold + 1, 64);
    } else {
      window = spec.window;
      if (window > 64) return { ok: false, message: 'Window must be 64 or less.' };
    }
    if (threshold > window) return { ok: false, message: 'Threshold can not be greater than window.' };
  }
  if (window === 0) window = PROBE_DEFAULTS.window;
  if (threshold === 0) threshold = PROBE_DEFAULTS.threshold;
  const initial = Math.min(spec.initial ?? threshold - 1, threshold);
  return { ok: true, window, threshold, initial };
}
