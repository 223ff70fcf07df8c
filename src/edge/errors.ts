// The edge's one error catalogue. Every failure the edge turns into a synthetic response is an
// EdgeError whose `reason` is Fastly's exact status-line text (DESIGN.md §4.4), so an operator
// who greps Fastly's docs for `503 first byte timeout` finds the same meaning here.
//
// `retryable`: the request never reached the origin, so a director may safely try another
// member (Fastly: `.retries` counts "connect to the randomly chosen backend" failures).
// `originFailure`: the failure counts towards the backend's `error_threshold` (passive health):
// a connection that could not be made, or an origin that did not answer in time.

export type ErrorSource = 'upstream' | 'downstream' | 'internal';

interface CatalogueEntry {
  readonly reason: string;
  readonly status: number;
  readonly source: ErrorSource;
  readonly retryable: boolean;
  readonly originFailure: boolean;
}

function entry(reason: string, source: ErrorSource, retryable: boolean, originFailure: boolean, status = 503): CatalogueEntry {
  return { reason, status, source, retryable, originFailure };
}

export const EDGE_ERRORS = {
  BACKEND_UNHEALTHY: entry('Backend is unhealthy', 'upstream', true, false),
  MAX_CONN: entry('Backend.max_conn reached', 'upstream', true, false),
  CONNECTION_REFUSED: entry('Connection refused', 'upstream', true, true),
  CONNECT_TIMEOUT: entry('Connection timed out', 'upstream', true, true),
  FIRST_BYTE_TIMEOUT: entry('first byte timeout', 'upstream', false, true),
  BACKEND_READ_ERROR: entry('backend read error', 'upstream', false, true),
  QUORUM_NOT_REACHED: entry('Quorum weight not reached', 'internal', false, false),
  ALL_BACKENDS_FAILED: entry('All backends failed or unhealthy', 'internal', false, false),
  SSL_HANDSHAKE: entry('SSL handshake error', 'upstream', true, true),
  CERT_VERIFICATION: entry('Certificate verification failed', 'upstream', true, true),
  DNS_LOOKUP_FAILED: entry('DNS lookup failed', 'upstream', true, true),
  // RFC 8586 §3 / RFC 5842 §7.2: a request that already passed this POP twice is a loop.
  LOOP_DETECTED: entry('Loop Detected', 'downstream', false, false, 508),
  // The client went away before the origin answered; nothing is delivered, nothing is the origin's fault.
  CLIENT_ABORTED: entry('Client closed request', 'downstream', false, false),
} as const satisfies Record<string, CatalogueEntry>;

export type EdgeErrorCode = keyof typeof EDGE_ERRORS;

export class EdgeError extends Error {
  readonly code: EdgeErrorCode;
  readonly reason: string;
  readonly status: number;
  readonly source: ErrorSource;
  readonly retryable: boolean;
  readonly originFailure: boolean;
  /** VCL name of the backend involved, when one was. */
  readonly backend: string | null;

  constructor(code: EdgeErrorCode, options: { cause?: unknown; backend?: string | null } = {}) {
    const e = EDGE_ERRORS[code];
    super(e.reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EdgeError';
    this.code = code;
    this.reason = e.reason;
    this.status = e.status;
    this.source = e.source;
    this.retryable = e.retryable;
    this.originFailure = e.originFailure;
    this.backend = options.backend ?? null;
  }
}

// OpenSSL X509_V_ERR_* names as Node reports them in `err.code`, plus Node's own hostname check.
const CERT_CODES: ReadonlySet<string> = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

// getaddrinfo (EAI_*) and c-ares (dns.Resolver) codes. c-ares' ECONNREFUSED/ETIMEOUT are
// ambiguous with socket codes; the connector classifies resolver failures itself.
const DNS_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'EREFUSED',
  'ETIMEOUT', 'EBADNAME', 'EBADRESP', 'ENONAME', 'EFORMERR',
]);

// No route to the origin: Fastly has no reason of its own for it; the connection was not made.
const REFUSED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

// The connection broke or the origin spoke something that is not HTTP before the headers ended.
const READ_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
]);

function codeOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return '';
}

/** The error `net.connect` raises with autoSelectFamily wraps one error per address tried. */
function innermost(err: unknown): unknown {
  if (err instanceof AggregateError && err.errors.length > 0 && codeOf(err) === '') return err.errors[err.errors.length - 1];
  return err;
}

export interface ErrorContext {
  /** The failure happened while the connection was being made (before any request byte was sent). */
  readonly phase?: 'connect' | 'request';
  /** The connection is TLS: a reset during connect is the origin refusing the handshake. */
  readonly tls?: boolean;
  readonly backend?: string | null;
}

/** Classify an undici / Node error (or an EdgeError, returned as is) into the catalogue. */
export function toEdgeError(err: unknown, ctx: ErrorContext = {}): EdgeError {
  if (err instanceof EdgeError) return err;
  const opts = { cause: err, backend: ctx.backend ?? null };
  const code = codeOf(innermost(err));
  if (CERT_CODES.has(code)) return new EdgeError('CERT_VERIFICATION', opts);
  if (DNS_CODES.has(code)) return new EdgeError('DNS_LOOKUP_FAILED', opts);
  if (REFUSED_CODES.has(code)) return new EdgeError('CONNECTION_REFUSED', opts);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return new EdgeError('CONNECT_TIMEOUT', opts);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new EdgeError('FIRST_BYTE_TIMEOUT', opts);
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORT' || (err instanceof Error && err.name === 'AbortError')) {
    return new EdgeError('CLIENT_ABORTED', opts);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') return new EdgeError('SSL_HANDSHAKE', opts);
  // Node reports a peer that hangs up mid-handshake as ECONNRESET ("socket disconnected before
  // secure TLS connection was established"): for a TLS backend in the connect phase that is a
  // failed handshake, not a read error.
  if (ctx.phase === 'connect' && ctx.tls === true && (code === 'ECONNRESET' || code === 'EPIPE')) {
    return new EdgeError('SSL_HANDSHAKE', opts);
  }
  // llhttp's HTTPParserError: code `HPE_*`, or none at all for a response that is not HTTP.
  const parseError = code.startsWith('HPE_') || (err instanceof Error && err.name === 'HTTPParserError');
  if (READ_ERROR_CODES.has(code) || parseError) return new EdgeError('BACKEND_READ_ERROR', opts);
  // Anything else on the way to the origin is reported as Varnish does for an unexpected fetch
  // failure; the original error stays in `cause` for the log.
  return new EdgeError('BACKEND_READ_ERROR', opts);
}
