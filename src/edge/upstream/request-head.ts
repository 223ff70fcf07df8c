// The request head the edge's own exchange writes to an origin (RFC 9112 §3, §5), laid out as
// undici lays it out, so that an origin sees the same bytes whichever exchange sent them:
// the request line, `host` first, then `connection`, then bereq's fields in their order, then
// the body's framing. Checked as undici checks it (lib/core/request.js): a method that is not a
// token, a target with a space or a control character, a field name that is not a token or a
// value with a control character is refused before a byte is written — so a value VCL built
// cannot split the request.

import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';
import type { BackendDefinition } from '../../model/backend.ts';
import { appendList, isHopByHop, namedByConnection, upstreamHost, type InHeaders, type OutHeaders, type UpstreamHeaderContext } from '../headers.ts';

/** A request the edge will not write (the origin never saw it). */
export class InvalidUpstreamRequest extends Error {
  readonly code = 'LACQUER_INVALID_UPSTREAM_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUpstreamRequest';
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** undici's invalidPathRegex: a target is visible latin1, no space. */
const INVALID_TARGET = /[^\u0021-\u00ff]/;

/** Field names already checked: a steady set of names costs one lookup each (bounded). */
const CHECKED_NAMES = new Set<string>();
const CHECKED_METHODS = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

function checkName(name: string): void {
  if (CHECKED_NAMES.has(name)) return;
  if (!TOKEN.test(name)) throw new InvalidUpstreamRequest(`invalid header name "${name}"`);
  if (CHECKED_NAMES.size < 1024) CHECKED_NAMES.add(name);
}

/** undici's isValidHeaderValue: HTAB, visible ASCII, SP and obs-text, nothing else. */
function checkValue(name: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) throw new InvalidUpstreamRequest(`invalid ${name} header`);
  }
}

/**
 * RFC 9110 §9.3: the methods whose requests carry content. A body on any other method is still
 * sent (a pass forwards what the client sent), but the connection is not reused after it, as
 * undici does: some origins do not expect it and would read it as the next request.
 */
export function expectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'QUERY' || method === 'PROPFIND' || method === 'PROPPATCH';
}

/**
 * The head, ready to write as latin1. `bodyLength`: the length of the body that follows, or null
 * for none (a method that expects a body then says `content-length: 0`). `keepAlive` false asks
 * the origin to close after its response.
 */
export function requestHead(method: string, path: string, headers: OutHeaders, bodyLength: number | null, keepAlive: boolean): string {
  const host = headers['host'];
  let head = startLine(method, path, typeof host === 'string' ? host : null, keepAlive);
  for (const name in headers) {
    // The head's framing is the exchange's to write, from the body actually sent (RFC 9112 §6).
    if (name === 'host' || name === 'content-length') continue;
    const value = headers[name];
    checkName(name);
    if (typeof value === 'string') {
      checkValue(name, value);
      head += `${name}: ${value}\r\n`;
    } else {
      for (const v of value) {
        checkValue(name, v);
        head += `${name}: ${v}\r\n`;
      }
    }
  }
  return `${head}${framing(method, bodyLength)}\r\n`;
}

function startLine(method: string, path: string, host: string | null, keepAlive: boolean): string {
  if (!CHECKED_METHODS.has(method)) {
    if (!TOKEN.test(method)) throw new InvalidUpstreamRequest('invalid request method');
    if (CHECKED_METHODS.size < 64) CHECKED_METHODS.add(method);
  }
  if (path.length === 0 || INVALID_TARGET.test(path)) throw new InvalidUpstreamRequest('invalid request path');
  let head = `${method} ${path} HTTP/1.1\r\n`;
  if (host !== null) {
    checkValue('host', host);
    head += `host: ${host}\r\n`;
  }
  return head + (keepAlive ? 'connection: keep-alive\r\n' : 'connection: close\r\n');
}

function framing(method: string, bodyLength: number | null): string {
  if (bodyLength !== null) return `content-length: ${bodyLength}\r\n`;
  return expectsBody(method) ? 'content-length: 0\r\n' : '';
}

/**
 * `requestHead(method, path, buildUpstreamHeaders(bereq, backend, ctx), …)` without the headers
 * object in between: bereq's fields are read once, in their order, the hop-by-hop ones skipped
 * and the edge's own (headers.ts: True-Client-IP, Fastly-Client-IP, X-Forwarded-For, CDN-Loop,
 * Host) written where that object would have had them — in place of the client's, else after
 * the rest, in that order. The same bytes, one copy of the fields fewer per request
 * (test/edge/upstream/request-head.test.ts holds the two equal on generated requests).
 */
export function upstreamRequestHead(method: string, path: string, bereq: InHeaders, backend: BackendDefinition, ctx: UpstreamHeaderContext,
  bodyLength: number | null, keepAlive: boolean): string {
  const named = namedByConnection(bereq);
  let head = startLine(method, path, upstreamHost(named !== null && named.has('host') ? undefined : bereq['host'], backend), keepAlive);
  const hop = ctx.hop;
  // DESIGN.md §4.4: a hop between fleet nodes keeps the True-Client-IP a fleet node sent, replaces
  // Fastly-FF with the one carrying this node's entry, names the POP in CDN-Loop only when it
  // leaves the POP, and carries the fleet's credential to fleet nodes (as buildUpstreamHeaders).
  const clientIp = hop?.trueClientIp ?? ctx.clientIp;
  const cdnLoop = hop === undefined || hop.leavesPop;
  const credential = hop?.credential?.[0];
  let seen = 0;
  for (const name in bereq) {
    const value = bereq[name];
    if (value === undefined || name === 'host' || name === 'content-length' || name === '__proto__' || isHopByHop(name) || (named !== null && named.has(name))) continue;
    switch (name) {
      case 'true-client-ip':
        seen |= TRUE_CLIENT_IP;
        head += line(name, clientIp);
        continue;
      case 'fastly-client-ip':
        seen |= FASTLY_CLIENT_IP;
        head += line(name, clientIp);
        continue;
      case 'x-forwarded-for':
        seen |= X_FORWARDED_FOR;
        head += line(name, appendList(value, ctx.clientIp));
        continue;
      case 'cdn-loop':
        seen |= CDN_LOOP;
        if (!cdnLoop) break;
        head += line(name, appendList(value, ctx.cdnId));
        continue;
      case 'fastly-ff':
        if (hop === undefined) break;
        seen |= FASTLY_FF;
        head += line(name, hop.fastlyFf);
        continue;
    }
    if (name === credential) {
      seen |= CREDENTIAL;
      head += line(name, (hop?.credential as readonly [string, string])[1]);
      continue;
    }
    checkName(name);
    if (typeof value === 'string') head += line(name, value);
    else for (const v of value) head += line(name, v);
  }
  if ((seen & TRUE_CLIENT_IP) === 0) head += line('true-client-ip', clientIp);
  if ((seen & FASTLY_CLIENT_IP) === 0) head += line('fastly-client-ip', clientIp);
  if ((seen & X_FORWARDED_FOR) === 0) head += line('x-forwarded-for', ctx.clientIp);
  if ((seen & CDN_LOOP) === 0 && cdnLoop) head += line('cdn-loop', ctx.cdnId);
  if (hop !== undefined) {
    if ((seen & FASTLY_FF) === 0) head += line('fastly-ff', hop.fastlyFf);
    if (hop.credential !== null && (seen & CREDENTIAL) === 0) head += line(hop.credential[0], hop.credential[1]);
  }
  return `${head}${framing(method, bodyLength)}\r\n`;
}

const TRUE_CLIENT_IP = 1;
const FASTLY_CLIENT_IP = 2;
const X_FORWARDED_FOR = 4;
const CDN_LOOP = 8;
const FASTLY_FF = 16;
const CREDENTIAL = 32;

function line(name: string, value: string): string {
  checkValue(name, value);
  return `${name}: ${value}\r\n`;
}

/** Bodies up to this size go in the head's buffer, one write(2) for both. */
const ONE_WRITE_MAX = 16 * 1024;

/**
 * Writes the request: head and body in one buffer when the body is small (one write is cheaper
 * than a corked writev of two), else the two corked together.
 */
export function writeRequest(socket: Writable, head: string, body: Buffer | null): void {
  if (body === null) {
    socket.write(head, 'latin1');
  } else if (body.length <= ONE_WRITE_MAX) {
    const out = Buffer.allocUnsafe(head.length + body.length);
    out.write(head, 0, 'latin1');
    body.copy(out, head.length);
    socket.write(out);
  } else {
    socket.cork();
    socket.write(head, 'latin1');
    socket.write(body);
    socket.uncork();
  }
}
