// A logging endpoint's `format` → the VCL expression its `log` statement writes, as Fastly's
// generated VCL does: the format string's directives are Apache mod_log_config's, each replaced
// by the VCL that Fastly's table of custom log formats names as its equivalent
// (https://www.fastly.com/documentation/guides/integrations/streaming-logs/custom-log-formats/),
// literal text between them is a string. Version 2 adds `%{<VCL expression>}V`, which is parsed
// as one expression (src/vcl/syntax/parse-expression.ts), never pasted as text.
//
// Where Fastly's equivalent is a request header the edge does not put on `req`
// (`req.http.Fastly-Client-IP` for %h and %a), the variable it is a copy of is used instead
// (`client.ip`: lacquer's edge sets Fastly-Client-IP from the socket address, src/edge/headers.ts).
import type * as A from '../../vcl/syntax/index.ts';
import { build as B, parseExpression } from '../../vcl/syntax/index.ts';

export interface FormatError {
  readonly message: string;
}

export type FormatResult = { ok: true; expression: A.Expression } | { ok: false; error: FormatError };

const NO_COMMENTS: A.NodeComments = { leading: [], trailing: null };

/** Adjacent string literals are one (`" - - ["`), as a person writing the statement would write it. */
function concat(input: readonly A.Expression[]): A.Expression {
  const parts: A.Expression[] = [];
  for (const p of input) {
    const last = parts.at(-1);
    if (p.kind === 'String' && last?.kind === 'String') parts[parts.length - 1] = B.str(last.value + p.value);
    else parts.push(p);
  }
  if (parts.length === 0) return B.str('');
  if (parts.length === 1) return parts[0];
  return { kind: 'Concat', parts, separators: parts.slice(1).map(() => ' ' as const), start: 0, end: 0, comments: NO_COMMENTS };
}

function choose(condition: A.Expression, then: A.Expression, otherwise: A.Expression): A.Expression {
  return { kind: 'IfExpression', condition, then, otherwise, start: 0, end: 0, comments: NO_COMMENTS };
}

const v = (name: string): A.Expression => B.ident(name);
const DASH = (): A.Expression => B.str('-');
/** Common Log Format time: `[10/Oct/2000:13:55:36 +0000]`, when the request started. */
const CLF_TIME = (): A.Expression[] => [B.str('['), B.call('strftime', [B.str('%d/%b/%Y:%H:%M:%S %z'), v('time.start')]), B.str(']')];

/**
 * Body bytes: in vcl_log (version 2) what was written; in vcl_deliver (version 1), before
 * anything is written, the response's Content-Length, as version 1 formats log it.
 */
const bodyBytes = (version: 1 | 2): A.Expression => v(version === 2 ? 'resp.body_bytes_written' : 'resp.http.Content-Length');

/** The directives without an argument (`%h`), by letter. */
const SIMPLE: Readonly<Record<string, (version: 1 | 2) => A.Expression[]>> = {
  a: () => [v('client.ip')],
  h: () => [v('client.ip')],
  A: () => [v('server.ip')],
  B: (version) => [bodyBytes(version)],
  // CLF: "-" rather than 0 when no body byte was sent.
  b: (version) => [version === 2
    ? choose(B.binary('==', [bodyBytes(2), B.int(0)]), DASH(), bodyBytes(2))
    : choose(bodyBytes(1), bodyBytes(1), DASH())],
  D: () => [v('time.elapsed.usec')],
  f: () => [v('req.url.path')],
  H: () => [v('req.proto')],
  I: () => [v('req.bytes_read')],
  // Fastly: "Always returns 0" (%k), "Not supported. Always returns "-"" (%l, %P), no remote user (%u).
  k: () => [B.str('0')],
  l: () => [DASH()],
  P: () => [DASH()],
  u: () => [DASH()],
  m: () => [v('req.method')],
  O: () => [v('resp.bytes_written')],
  p: () => [v('server.port')],
  q: () => [choose(v('req.url.qs'), concat([B.str('?'), v('req.url.qs')]), B.str(''))],
  r: () => [v('req.method'), B.str(' '), v('req.url'), B.str(' '), v('req.proto')],
  s: () => [v('resp.status')],
  t: CLF_TIME,
  T: () => [v('time.elapsed.sec')],
  U: () => [v('req.url.path')],
  v: () => [v('req.http.host')],
  V: () => [v('req.http.host')],
};

/** `%{arg}X`: the directives that take an argument. */
function withArgument(letter: string, arg: string, version: 1 | 2): A.Expression[] | FormatError {
  const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
  switch (letter) {
    case 'i':
    case 'o':
      if (!headerName.test(arg)) return { message: `%{${arg}}${letter}: ${JSON.stringify(arg)} is not a header name` };
      return [v(`${letter === 'i' ? 'req' : 'resp'}.http.${arg}`)];
    case 'C':
      if (!headerName.test(arg)) return { message: `%{${arg}}C: ${JSON.stringify(arg)} is not a cookie name` };
      return [v(`req.http.Cookie:${arg}`)];
    case 't':
      return [B.call('strftime', [B.str(arg), v('time.start')])];
    case 'e':
    case 'n':
    case 'P':
      return [DASH()];
    case 'p':
      return [v('server.port')];
    case 'V': {
      if (version !== 2) return { message: `%{${arg}}V: VCL expressions in a format need format_version 2` };
      const parsed = parseExpression(arg, 'format');
      if (parsed.expression === null) {
        return { message: `%{${arg}}V: not one VCL expression (${parsed.diagnostics.map((d) => d.message).join('; ')})` };
      }
      return [parsed.expression];
    }
    default:
      return { message: `%{${arg}}${letter}: not a directive Fastly's log formats have` };
  }
}

/**
 * The expression a format logs. A `%` not followed by a directive is an error naming it, so a
 * typo is a 400 when the endpoint is written, never a line that logs the wrong thing.
 */
export function formatExpression(format: string, version: 1 | 2): FormatResult {
  const parts: A.Expression[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') parts.push(B.str(text));
    text = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      text += c;
      continue;
    }
    let j = i + 1;
    // Apache's modifiers: `%>s` (final status), `%<s`, and status lists (`%400,501{…}i`) are not
    // Fastly's; `<` and `>` are accepted and mean the final value (there is one request).
    while (format[j] === '>' || format[j] === '<') j++;
    let arg: string | null = null;
    if (format[j] === '{') {
      // A VCL expression may hold braces of its own (`{"x"}` strings): the argument ends at the
      // `}` that closes the opening one, counted outside string literals.
      const end = closingBrace(format, j);
      if (end < 0) return { ok: false, error: { message: `%{ at offset ${i} has no closing }` } };
      // Fastly's formats write a brace inside %{…}V as \{ and \} (`%{strftime(\{"%Y"\}, time.start)}V`).
      arg = format.slice(j + 1, end).replace(/\\([{}])/g, '$1');
      j = end + 1;
    }
    const letter = format[j];
    if (letter === undefined) return { ok: false, error: { message: `a % at offset ${i} ends the format without a directive` } };
    if (letter === '%' && arg === null) {
      text += '%';
      i = j;
      continue;
    }
    const made = arg === null ? SIMPLE[letter]?.(version) ?? null : withArgument(letter, arg, version);
    if (made === null) return { ok: false, error: { message: `%${letter}: not a directive Fastly's log formats have` } };
    if (!Array.isArray(made)) return { ok: false, error: made };
    flush();
    parts.push(...made);
    i = j;
  }
  flush();
  return { ok: true, expression: concat(parts) };
}

function closingBrace(format: string, open: number): number {
  let depth = 0;
  let quote: '"' | '{"' | null = null;
  for (let k = open; k < format.length; k++) {
    const c = format[k];
    if (c === '\\' && (format[k + 1] === '{' || format[k + 1] === '}')) { k++; continue; }
    if (quote === '"') { if (c === '"') quote = null; continue; }
    if (quote === '{"') { if (c === '"' && format[k + 1] === '}') { quote = null; k++; } continue; }
    if (c === '{' && format[k + 1] === '"' && k !== open) { quote = '{"'; k++; continue; }
    if (c === '"' && depth > 0) { quote = '"'; continue; }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return k;
  }
  return -1;
}
