// Builders of Fastly's functions that take a whole header collection by name (an ID argument
// such as `resp` or `req.http.Cookie`): header.get/set/unset/filter/filter_except
// (https://www.fastly.com/documentation/reference/vcl/functions/headers/), std.collect,
// std.count and setcookie.* (…/functions/miscellaneous/). The collection is resolved once per
// call site from the ID's text; a message the phase does not have (beresp in vcl_recv) reads as
// empty and is left alone, so a call can never fail the request.
import type { HeaderBag, VclContext } from '../../compile/compiled.ts';
import type { Builder } from './define.ts';
import { str } from './build.ts';
import type { S } from './build.ts';

type Bag = (c: VclContext) => HeaderBag | null;

const MESSAGES: Readonly<Record<string, Bag>> = {
  req: (c) => c.req.http,
  bereq: (c) => c.bereq?.http ?? null,
  beresp: (c) => c.beresp?.http ?? null,
  obj: (c) => c.obj?.http ?? null,
  resp: (c) => c.resp?.http ?? null,
};
const NONE: Bag = () => null;

/** `req`, `resp`, … as a `where` argument. */
export const messageOf = (where: string | undefined): Bag => MESSAGES[where ?? ''] ?? NONE;

/** `req.http.Cookie` → the message and the header name; null when the ID is no header. */
export function headerOf(id: string | undefined): { readonly bag: Bag; readonly name: string } | null {
  const m = /^(req|bereq|beresp|obj|resp)\.http\.(.+)$/.exec(id ?? '');
  return m === null ? null : { bag: messageOf(m[1]), name: m[2] };
}

/**
 * Headers header.filter and header.filter_except leave alone. Fastly protects some headers from
 * VCL (headers reference, "protected"); lacquer keeps the ones that frame the message or its
 * connection, and Host, by which the edge routes and builds the upstream request.
 */
const PROTECTED: ReadonlySet<string> = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-connection']);

export const HEADER_GET: Builder = ([, n], literals) => {
  const bag = messageOf(literals[0]); const name = n as S;
  return (c, fr) => bag(c)?.get(str(name(c, fr))) ?? null;
};
export const HEADER_SET: Builder = ([, n, v], literals) => {
  const bag = messageOf(literals[0]); const name = n as S; const value = v as S;
  return (c, fr) => {
    const b = bag(c); const key = str(name(c, fr)); const val = value(c, fr);
    if (b === null || key === '') return;
    if (val === null) b.unset(key); else b.set(key, val);
  };
};
export const HEADER_UNSET: Builder = ([, n], literals) => {
  const bag = messageOf(literals[0]); const name = n as S;
  return (c, fr) => { const key = str(name(c, fr)); if (key !== '') bag(c)?.unset(key); };
};
/** header.filter (keep = false) removes the named headers; header.filter_except (keep = true) every other one. */
export function headerFilter(keep: boolean): Builder {
  return (args, literals) => {
    const bag = messageOf(literals[0]);
    const names = args.slice(1) as S[];
    return (c, fr) => {
      const b = bag(c);
      if (b === null) return;
      const listed = new Set(names.map((n) => str(n(c, fr)).toLowerCase()));
      for (const name of b.names()) if (!PROTECTED.has(name) && listed.has(name) !== keep) b.unset(name);
    };
  };
}

/** std.collect: the header's field lines joined into one, `sep` plus a space between them (default ","). */
export const STD_COLLECT: Builder = ([, s], literals) => {
  const header = headerOf(literals[0]); const sep = s as S | undefined;
  if (header === null) return () => undefined;
  return (c, fr) => {
    const b = header.bag(c);
    const lines = b?.lines(header.name) ?? [];
    if (b === null || lines.length < 2) return;
    b.set(header.name, lines.join(`${sep === undefined ? ',' : str(sep(c, fr))} `));
  };
};

/** std.count: the header lines of `req.headers` (all of them) or of `req.http.NAME` (that name's). */
export const STD_COUNT: Builder = (_args, literals) => {
  const id = literals[0] ?? '';
  const all = /^(req|bereq|beresp|obj|resp)\.headers$/.exec(id);
  if (all !== null) {
    const bag = messageOf(all[1]);
    return (c) => { const b = bag(c); return b === null ? 0 : b.names().reduce((n, name) => n + b.lines(name).length, 0); };
  }
  const header = headerOf(id);
  if (header === null) return () => 0;
  return (c) => header.bag(c)?.lines(header.name).length ?? 0;
};

/** The cookie name and value of one Set-Cookie line (RFC 6265 §5.2: name=value before the first ";"). */
function cookiePair(line: string): { readonly name: string; readonly value: string } | null {
  const pair = line.split(';', 1)[0];
  const eq = pair.indexOf('=');
  if (eq < 0) return null;
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
}

/** setcookie.get_value_by_name: the value of the last Set-Cookie line that sets the cookie, else not set. */
export const SETCOOKIE_GET: Builder = ([, n], literals) => {
  const bag = messageOf(literals[0]); const name = n as S;
  return (c, fr) => {
    const want = str(name(c, fr));
    let found: string | null = null;
    for (const line of bag(c)?.lines('set-cookie') ?? []) { const p = cookiePair(line); if (p?.name === want) found = p.value; }
    return found;
  };
};

/** setcookie.delete_by_name: removes every Set-Cookie line of the cookie; true when one was removed. */
export const SETCOOKIE_DELETE: Builder = ([, n], literals) => {
  const bag = messageOf(literals[0]); const name = n as S;
  return (c, fr) => {
    const b = bag(c);
    if (b === null) return false;
    const want = str(name(c, fr));
    const lines = b.lines('set-cookie');
    const kept = lines.filter((line) => cookiePair(line)?.name !== want);
    if (kept.length === lines.length) return false;
    b.unset('set-cookie');
    for (const line of kept) b.add('set-cookie', line);
    return true;
  };
};
