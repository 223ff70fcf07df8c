// The request head the edge's own exchange writes to an origin (RFC 9112 §3, §5), laid out as
// undici lays it out, so that an origin sees the same bytes whichever exchange sent them:
// the request line, `host` first, then `connection`, then bereq's fields in their order, then
// the body's framing. Checked as undici checks it (lib/core/request.js): a method that is not a
// token, a target with a space or a control character, a field name that is not a token or a
// value with a control character is refused before a byte is written — so a value VCL built
// cannot split the request.

import type { OutHeaders } from '../headers.ts';

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
  if (!CHECKED_METHODS.has(method)) {
    if (!TOKEN.test(method)) throw new InvalidUpstreamRequest('invalid request method');
    if (CHECKED_METHODS.size < 64) CHECKED_METHODS.add(method);
  }
  if (path.length === 0 || INVALID_TARGET.test(path)) throw new InvalidUpstreamRequest('invalid request path');
  const host = headers['host'];
  let head = `${method} ${path} HTTP/1.1\r\n`;
  if (typeof host === 'string') {
    checkValue('host', host);
    head += `host: ${host}\r\n`;
  }
  head += keepAlive ? 'connection: keep-alive\r\n' : 'connection: close\r\n';
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
  if (bodyLength !== null) head += `content-length: ${bodyLength}\r\n`;
  else if (expectsBody(method)) head += 'content-length: 0\r\n';
  return `${head}\r\n`;
}
