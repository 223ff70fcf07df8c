// The request target and Host of a request node:http read, made what RFC 9112 §3.2 says the
// edge must route by, before the pipeline sees the request. The edge's own reader
// (./request-head.ts) takes only origin-form targets with exactly one Host, so its requests
// need none of this; everything else reaches node:http, and this.
//
//   more than one Host field line      400 (§3.2; Varnish answers the same). node:http keeps the
//                                      first and drops the others, so they are counted in rawHeaders.
//   no Host in HTTP/1.1                400, from node:http itself (its requireHostHeader, on by default).
//   absolute-form `http://a.test/x`    the target's authority replaces Host and the target becomes
//                                      origin-form `/x` (§3.2.2: the Host field is ignored); routing,
//                                      VCL (`req.url`, `req.http.host`) and the origin request all
//                                      see `/x` and `a.test`, as Varnish does for http:// targets
//                                      (its HTTP1_DissectRequest). `https://` too; the scheme says
//                                      how the client reached the authority, not how the edge does.
//   absolute-form that is not a valid  400: another scheme, an empty host (RFC 9110 §4.2.1 "MUST
//   http(s) URI                        reject"), userinfo (§4.2.4: an error), a malformed port.
//   asterisk-form `*`                  kept for OPTIONS (§3.2.4), 400 for any other method.
//   anything else                      llhttp refuses it, or it is origin-form.

import { Buffer } from 'node:buffer';
import type http from 'node:http';

/** scheme "://" authority rest: the authority ends at the first "/", "?" or "#". */
const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
/** host [":" port] (RFC 3986 §3.2.2): an IP-literal in brackets, or a non-empty reg-name / IPv4. */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]*)?$/;

/**
 * Null when the request may go on, its target and Host rewritten when it was in absolute-form;
 * else the reason it is a 400.
 */
export function checkRequestTarget(req: http.IncomingMessage): string | null {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 4 && raw[i].toLowerCase() === 'host' && ++hosts > 1) return 'more than one Host field (RFC 9112 §3.2)';
  }
  const url = req.url ?? '';
  if (url.startsWith('/')) return null;
  if (url === '*') return req.method === 'OPTIONS' ? null : 'the asterisk-form target "*" is for OPTIONS only (RFC 9112 §3.2.4)';
  const m = ABSOLUTE_FORM.exec(url);
  if (m === null) return 'the request target must be a path, or an absolute http(s) URI (RFC 9112 §3.2)';
  const [, scheme, authority, rest] = m;
  const lower = scheme.toLowerCase();
  if (lower !== 'http' && lower !== 'https') return `the request target's scheme must be http or https, got "${scheme}" (RFC 9112 §3.2.2)`;
  if (authority.includes('@')) return 'the request target must not carry userinfo (RFC 9110 §4.2.4)';
  if (!AUTHORITY.test(authority)) return `the request target's authority "${authority}" is not host[:port] (RFC 9110 §4.2.1)`;
  // The pipeline reads the target and Host from the request it is given (./types.ts); they are
  // set here once, before it runs, so everything after sees the request as if sent in origin-form.
  req.url = rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}`;
  req.headers.host = authority;
  return null;
}

/** Answers a request refused by checkRequestTarget and closes the connection after it. */
export function refuseTarget(res: http.ServerResponse, reason: string): void {
  const body = `400 Bad Request: ${reason}\n`;
  res.writeHead(400, 'Bad Request', { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}
