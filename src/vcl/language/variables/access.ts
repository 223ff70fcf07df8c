// Closures shared by several variable entries: header collections as VCL sees them
// (`req.http.NAME`, its `:subfield` form, `add`), and the parts of a URL.
import { BAGS, getSubfield, setSubfield, subfieldSeparator, unsetSubfield } from '../../runtime/headers.ts';
import type { HeaderScope } from '../../runtime/headers.ts';
import type { Accessors, VariableUse } from './define.ts';

/** `SCOPE.http.{header}`: a header by name (case-insensitive), or one item of it with `:key`. */
export function header(scope: HeaderScope): (use: VariableUse) => Accessors {
  const bag = BAGS[scope];
  return ({ param, subfield }) => {
    const name = (param ?? '').toLowerCase();
    if (subfield !== null) return headerSubfield(scope, name, subfield);
    return {
      get: (c) => bag(c).get(name),
      // Assigning "not set" (e.g. another absent header) leaves the header absent.
      set: (c, _f, v) => { if (v === null) bag(c).unset(name); else bag(c).set(name, v as string); },
      unset: (c) => bag(c).unset(name),
      add: (c, _f, v) => { if (v !== null) bag(c).add(name, v as string); },
    };
  };
}

/**
 * `req.http.Cookie:id`: one `key=value` item of a header list (";" for Cookie, "," otherwise).
 * No `add`: that appends a header line, and a subfield is an item of a line (the checker says so).
 */
function headerSubfield(scope: HeaderScope, name: string, key: string): Accessors {
  const bag = BAGS[scope];
  const sep = subfieldSeparator(name);
  return {
    get: (c) => getSubfield(bag(c).get(name), key, sep),
    set: (c, _f, v) => { bag(c).set(name, setSubfield(bag(c).get(name), key, (v as string | null) ?? '', sep)); },
    unset: (c) => {
      const b = bag(c);
      const left = unsetSubfield(b.get(name), key, sep);
      if (left === null) b.unset(name);
      else b.set(name, left);
    },
  };
}

/** The path of a request target, without the query. */
export function urlPath(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The query of a request target, without the `?`; "" when it has none. */
export function urlQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}
