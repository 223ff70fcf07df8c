// Fastly's query-string filters: keep or drop parameters by name — a list of names, a shell
// glob or a regular expression — plus `querystring.clean` and `querystring.add`. Parameters
// keep their order and their text as written; only the names are compared.
//
// Source: Fastly's query string functions (https://www.fastly.com/documentation/reference/vcl/functions/query-string/).
import type { VclRegex } from './regex/index.ts';
import { joinUrl, paramName, splitUrl, urlencode } from './strings.ts';

/**
 * What `querystring.filtersep()` returns and `querystring.filter` splits its list of names on.
 * Fastly documents only that the two agree; a NUL can be in no parameter name, so a list built
 * with it never splits a name.
 */
export const FILTER_SEPARATOR = '\u0000';

/** The URL with only the parameters `keep` says yes to; a query left empty loses its `?`. */
export function qsFilter(url: string, keep: (name: string) => boolean): string {
  const { path, params } = splitUrl(url);
  return joinUrl(path, params.filter((p) => keep(paramName(p))));
}

/** `querystring.filter(url, names)` (drop) and `…filter_except` (keep only): names joined by filtersep(). */
export function qsFilterNames(url: string, names: string, except: boolean): string {
  const set = new Set(names.split(FILTER_SEPARATOR));
  return qsFilter(url, (n) => set.has(n) === except);
}

/** `querystring.regfilter` (drop matching names) and `…regfilter_except` (keep only matching ones). */
export function qsRegFilter(url: string, regex: VclRegex, except: boolean): string {
  return qsFilter(url, (n) => (regex.exec(n, 0) !== null) === except);
}

/** A shell glob (`*`, `?`, `[…]`, `\x`) as an anchored JavaScript RegExp, as fnmatch(3) reads it. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]);
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `querystring.globfilter` (drop matching names) and `…globfilter_except` (keep only matching ones). */
export function qsGlobFilter(url: string, glob: string, except: boolean): string {
  const re = globRegExp(glob);
  return qsFilter(url, (n) => re.test(n) === except);
}

/** `querystring.clean`: empty parameters (`&&`, a bare `=`) removed, and a `?` left with nothing after it. */
export function qsClean(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').filter((p) => p !== '' && !p.startsWith('='));
  return joinUrl(url.slice(0, q), params);
}

/** `querystring.add`: `name=value` (URL-encoded) appended, whatever parameters are there already. */
export function qsAdd(url: string, name: string, value: string): string {
  const { path, params } = splitUrl(url);
  return joinUrl(path, [...params, `${urlencode(name)}=${urlencode(value)}`]);
}
