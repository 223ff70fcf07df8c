// Pure string helpers behind the VCL string, URL and query-string functions
// (https://www.fastly.com/documentation/reference/vcl/functions/strings/ and …/query-string/).

// 2^63 - 1 is not a JS number; 2^63 is the nearest, and clamping to it is what a double can say.
const INT64_MAX = 2 ** 63;

/** strtol(s, 10): optional spaces and sign, then digits; 0 when there are none; clamped to 64 bits like strtoll. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  const n = Number.parseInt(m[1], 10);
  return Math.max(-INT64_MAX, Math.min(INT64_MAX, n));
}

/** Percent-encodes every byte but the RFC 3986 unreserved characters. */
export function urlencode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes %XX escapes; null when an escape is malformed (the caller sets fastly.error). */
export function urldecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function splitUrl(url: string): { path: string; params: string[] } {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, params: [] };
  return { path: url.slice(0, q), params: url.slice(q + 1).split('&').filter((p) => p !== '') };
}

export function paramName(p: string): string {
  const eq = p.indexOf('=');
  return eq < 0 ? p : p.slice(0, eq);
}

export function joinUrl(path: string, params: readonly string[]): string {
  return params.length === 0 ? path : `${path}?${params.join('&')}`;
}

/** `querystring.get`: the raw value of the first `name` parameter, "" when it has none, null when absent. */
export function qsGet(url: string, name: string): string | null {
  for (const p of splitUrl(url).params) {
    if (paramName(p) === name) {
      const eq = p.indexOf('=');
      return eq < 0 ? '' : p.slice(eq + 1);
    }
  }
  return null;
}

/** `querystring.set`: one `name=value` (URL-encoded) in place of the first, duplicates removed, else appended. */
export function qsSet(url: string, name: string, value: string): string {
  const { path, params } = splitUrl(url);
  const item = `${urlencode(name)}=${urlencode(value)}`;
  const out: string[] = [];
  let placed = false;
  for (const p of params) {
    if (paramName(p) !== name) out.push(p);
    else if (!placed) { out.push(item); placed = true; }
  }
  if (!placed) out.push(item);
  return joinUrl(path, out);
}

/** `querystring.remove`: the URL without its query string. */
export function qsRemove(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** `querystring.sort`: parameters ordered by name (stable, so equal names keep their order). */
export function qsSort(url: string, uniqueKeys = false): string {
  const { path, params: all } = splitUrl(url);
  // Fastly: with only_unique_keys, "/test?a=7&a=2&b=5&b=3" sorts to "/test?a=7&b=5".
  const seen = new Set<string>();
  const params = uniqueKeys ? all.filter((p) => { const n = paramName(p); if (seen.has(n)) return false; seen.add(n); return true; }) : all;
  const sorted = params.map((p, i) => ({ p, n: paramName(p), i }))
    .sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : a.i - b.i)).map((x) => x.p);
  return joinUrl(path, sorted);
}

/** `http_status_matches(status, "200,304")`; a leading `!` negates the whole list. */
export function statusMatches(status: number, list: string): boolean {
  const negate = list.startsWith('!');
  const codes = (negate ? list.slice(1) : list).split(',').map((s) => Number(s.trim()));
  return codes.includes(status) !== negate;
}
