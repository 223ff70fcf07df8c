// Header fields as the cache sees them: plain objects with lower-case names, the shape Node's
// parser, undici and the edge's HeaderMap use, so nothing is copied on the way in. A field
// that arrived several times is an array; reading it joins the lines with ", " (RFC 9110 §5.3),
// except Set-Cookie, which only matters here for its presence.

/** Incoming header fields (a request's or an origin response's), names in lower case. */
export type HeaderFields = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Header fields the cache keeps and hands out; the edge writes them with `res.writeHead`. */
export type StoredHeaders = Record<string, string | string[]>;

/** One field's value, several lines joined by ", ", or null when absent. */
export function field(headers: HeaderFields, name: string): string | null {
  const v = headers[name];
  if (typeof v === 'string') return v;
  // The type test also answers null for a name a plain object inherits (`Vary: constructor`).
  return Array.isArray(v) ? v.join(', ') : null;
}

/** A copy fit for storing: lower-case names, arrays copied, absent values dropped. */
export function copyFields(headers: HeaderFields, drop: ReadonlySet<string> = EMPTY): StoredHeaders {
  const out = Object.create(null) as StoredHeaders;
  for (const name in headers) {
    const v = headers[name];
    const lower = name.toLowerCase();
    if (v === undefined || drop.has(lower)) continue;
    out[lower] = typeof v === 'string' ? v : [...v];
  }
  return out;
}

/** The bytes these fields take on the wire (`name: value\r\n` per line), for size accounting. */
export function fieldBytes(headers: StoredHeaders): number {
  let n = 0;
  for (const name in headers) {
    const v = headers[name];
    for (const line of typeof v === 'string' ? [v] : v) n += name.length + line.length + 4;
  }
  return n;
}

/**
 * Comma-separated directives (`max-age=60, no-store`) as a map of lower-case names to values
 * (`true` when the directive has none). Quoted values lose their quotes (RFC 9111 §5.2).
 * A directive that appears twice keeps its first value.
 */
export function directives(value: string | null): ReadonlyMap<string, string | true> {
  const out = new Map<string, string | true>();
  if (value === null) return out;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '' || out.has(name)) continue;
    out.set(name, eq === -1 ? true : part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** A delta-seconds directive value (RFC 9111 §1.2.2), or null when absent or malformed. */
export function seconds(d: ReadonlyMap<string, string | true>, name: string): number | null {
  const v = d.get(name);
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return null;
  return Number(v);
}

const EMPTY: ReadonlySet<string> = new Set();
