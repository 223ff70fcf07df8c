// VCL's view of a message's headers (`req.http.*`, `beresp.http.*`, `resp.http.*`).
//
// Backed by a plain object with lower-case names, the shape Node's parser and undici use, so
// the edge hands it to the upstream and to `res.writeHead` without copying. Names are
// case-insensitive (RFC 9110 §5.1); a field that arrived several times reads as one
// comma-joined value, as Fastly shows it.
//
// Plain objects, not prototype-less ones: V8 keeps a plain object with a few fields in its fast
// shape, where a prototype-less one is a hash table from the start, slower to build, copy and
// read on every request. The price is that names Object.prototype has (`constructor`,
// `toString`) are present on every object, so reads test the value's type (only strings and
// arrays are fields) and `__proto__` is never copied in.

import type { HeaderBag } from '../vcl/index.ts';
import type { InHeaders, OutHeaders } from './headers.ts';

export class HeaderMap implements HeaderBag {
  readonly fields: OutHeaders;
  /** What `fields` began as a copy of, when that never changes (a cached object's delivery fields). */
  readonly base: Readonly<OutHeaders> | null;

  constructor(fields: OutHeaders = {}, base: Readonly<OutHeaders> | null = null) {
    this.fields = fields;
    this.base = base;
  }

  /** A copy of incoming headers (Node's `req.headers` or an upstream response's). */
  static from(headers: InHeaders): HeaderMap {
    const fields: OutHeaders = {};
    for (const name in headers) {
      const v = headers[name];
      // `__proto__` would set the copy's prototype instead of adding a field.
      if (v !== undefined && name !== '__proto__') fields[name.toLowerCase()] = typeof v === 'string' ? v : [...v];
    }
    return new HeaderMap(fields);
  }

  /**
   * A client request's headers, as the edge's own reader or node:http made them: a fresh object
   * per request whose names are lower-case already and never `__proto__` (the reader hands such
   * a head to node:http, which drops the field). So one shape clone copies them, where `from`
   * lower-cases and stores each name in turn. Repeated fields' arrays are shared: a HeaderMap
   * replaces values, never edits them.
   */
  static ofRequest(headers: InHeaders): HeaderMap {
    return new HeaderMap({ ...headers } as OutHeaders);
  }

  /**
   * An independent copy (bereq from req). One shape clone: a HeaderMap's names are lower-case
   * already (every constructor input is, and set/add lower-case), and its arrays are shared
   * safely because a HeaderMap replaces a value, never edits it.
   */
  clone(): HeaderMap {
    return new HeaderMap({ ...this.fields });
  }

  get(name: string): string | null {
    const v = this.fields[name.toLowerCase()];
    if (typeof v === 'string') return v;
    // The type test, not `=== undefined`, also answers null for names an object with a
    // prototype inherits (`constructor`, `toString`): backend response headers arrive that way.
    return Array.isArray(v) ? v.join(', ') : null;
  }

  set(name: string, value: string): void {
    this.fields[name.toLowerCase()] = value;
  }

  /** Adds another field line with the same name (`add resp.http.Set-Cookie = …`). */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const v = this.fields[key];
    this.fields[key] = typeof v === 'string' ? [v, value] : Array.isArray(v) ? [...v, value] : value;
  }

  unset(name: string): void {
    delete this.fields[name.toLowerCase()];
  }
}
