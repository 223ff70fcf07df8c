// Header access as VCL sees it: `req.http.NAME` and its subfield form `req.http.NAME:KEY`
// (https://www.fastly.com/documentation/reference/vcl/variables/ — "subfield accessors"):
// a header value is a list of `key[=value]` items separated by "," (";" for Cookie).
// Case-insensitivity of NAME is the HeaderBag's job; the compiler passes names lowercased.
import type { HeaderBag, VclContext } from '../compile/compiled.ts';

export type HeaderScope = 'req' | 'bereq' | 'beresp' | 'obj' | 'resp';

/** The bag of a scope. A scope absent in the current phase is a checker error, so `!` is safe. */
export const BAGS: Readonly<Record<HeaderScope, (ctx: VclContext) => HeaderBag>> = {
  req: (ctx) => ctx.req.http,
  bereq: (ctx) => ctx.bereq!.http,
  beresp: (ctx) => ctx.beresp!.http,
  obj: (ctx) => ctx.obj!.http,
  resp: (ctx) => ctx.resp!.http,
};

export function subfieldSeparator(header: string): string {
  return header === 'cookie' ? ';' : ',';
}

/** `subfield(value, key, sep)`: the item's value, "" for a bare `key`, null when absent. */
export function getSubfield(value: string | null, key: string, sep: string): string | null {
  if (value === null) return null;
  for (const raw of value.split(sep)) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    const k = eq < 0 ? item : item.slice(0, eq).trim();
    if (k === key) return eq < 0 ? '' : item.slice(eq + 1).trim();
  }
  return null;
}

/** Replaces (or appends) `key=value`; an empty value writes a bare `key` (Fastly `set` docs). */
export function setSubfield(value: string | null, key: string, sub: string, sep: string): string {
  const item = sub === '' ? key : `${key}=${sub}`;
  const items = value === null || value.trim() === '' ? [] : value.split(sep).map((s) => s.trim());
  const at = items.findIndex((s) => (s.indexOf('=') < 0 ? s : s.slice(0, s.indexOf('=')).trim()) === key);
  if (at >= 0) items[at] = item;
  else items.push(item);
  return items.join(sep === ';' ? '; ' : ', ');
}

/** Removes `key`; null when nothing is left, so the header itself goes away. */
export function unsetSubfield(value: string | null, key: string, sep: string): string | null {
  if (value === null) return null;
  const items = value.split(sep).map((s) => s.trim())
    .filter((s) => s !== '' && (s.indexOf('=') < 0 ? s : s.slice(0, s.indexOf('=')).trim()) !== key);
  return items.length === 0 ? null : items.join(sep === ';' ? '; ' : ', ');
}
