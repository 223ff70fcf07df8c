// AST → canonical VCL: two-space indent, one statement or property per line, a blank line
// between declarations (none between consecutive one-line ones), `} else {` on one line,
// literals and names exactly as written (`raw`), comments where the parser attached them.
// The contract, tested over every fixture: parse(print(parse(x))) equals parse(x) apart
// from offsets, comments included.
//
// Parsed string literals print as written (`raw`). A literal made from a value (the API's
// fields, ./ast-build.ts) gets its `raw` from `quoteString`, the one quoting rule.
import type * as A from './ast.ts';

const INDENT = '  ';

export function print(file: A.VclFile): string {
  const out: string[] = [];
  let previous: A.Declaration | null = null;
  for (const d of file.declarations) {
    if (previous !== null && !(isOneLiner(previous) && isOneLiner(d) && d.comments.leading.length === 0)) out.push('');
    out.push(...declaration(d));
    previous = d;
  }
  if (file.endComments.length > 0) {
    if (out.length > 0) out.push('');
    for (const c of file.endComments) out.push(c.text);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

const isOneLiner = (d: A.Declaration): boolean =>
  d.kind === 'Include' || d.kind === 'Import' || d.kind === 'Pragma' || d.kind === 'Directive';

/** Leading comment lines, the node's lines with the trailing comment on the last, indented. */
function withComments(node: { readonly comments: A.NodeComments }, lines: string[], indent = ''): string[] {
  const out = node.comments.leading.map((c) => indent + c.text);
  const body = lines.map((l) => (l === '' ? l : indent + l));
  if (node.comments.trailing !== null) body[body.length - 1] += ` ${node.comments.trailing.text}`;
  out.push(...body);
  return out;
}

function indented(lines: readonly string[]): string[] {
  return lines.map((l) => (l === '' ? l : INDENT + l));
}

function innerComments(comments: readonly A.Comment[]): string[] {
  return comments.map((c) => INDENT + c.text);
}

function declaration(d: A.Declaration): string[] {
  switch (d.kind) {
    case 'Backend':
      return withComments(d, [`backend ${d.name.name} {`, ...d.properties.flatMap(property).map((l) => INDENT + l), ...innerComments(d.innerComments), '}']);
    case 'Director':
      return withComments(d, [
        `director ${d.name.name} ${d.type.name} {`,
        ...indented(d.properties.flatMap(property)),
        ...indented(d.members.flatMap(directorMember)),
        ...innerComments(d.innerComments),
        '}',
      ]);
    case 'Table':
      return withComments(d, [
        `table ${d.name.name}${d.type === null ? '' : ` ${d.type.name}`} {`,
        ...indented(d.entries.flatMap((e, i) => withComments(e, [`${e.key.raw}: ${expression(e.value)}${i < d.entries.length - 1 ? ',' : ''}`]))),
        ...innerComments(d.innerComments),
        '}',
      ]);
    case 'Acl':
      return withComments(d, [
        `acl ${d.name.name} {`,
        ...indented(d.entries.flatMap((e) => withComments(e, [`${e.negated ? '!' : ''}${e.address.raw}${e.mask === null ? '' : `/${e.mask}`};`]))),
        ...innerComments(d.innerComments),
        '}',
      ]);
    case 'Sub':
      return withComments(d, blockLines(`sub ${d.name.name}${d.returnType === null ? '' : ` ${d.returnType.name}`} `, d.body));
    case 'Include':
      return withComments(d, [`include ${d.path.raw};`]);
    case 'Import':
      return withComments(d, [`import ${d.name.name};`]);
    case 'Pragma':
      return withComments(d, [`pragma ${d.words.join(' ')};`]);
    case 'Directive':
      return withComments(d, [d.name]);
    case 'Penaltybox':
    case 'Ratecounter':
      return withComments(d, [`${d.kind.toLowerCase()} ${d.name.name} {`, ...innerComments(d.innerComments), '}']);
  }
}

function property(p: A.Property): string[] {
  if (isStringLines(p.value)) {
    // `.request = "GET / HTTP/1.1" "Host: a";`: one request line per text line, as Fastly's
    // backend reference writes probe requests.
    const [first, ...rest] = p.value.parts.map((e) => expression(e));
    return withComments(p, [`.${p.name.name} = ${first}`, ...rest.map((l) => `${INDENT}${l}`)].map((l, i, all) => (i === all.length - 1 ? `${l};` : l)));
  }
  if (p.value.kind === 'Object') {
    return withComments(p, [
      `.${p.name.name} = {`,
      ...indented(p.value.properties.flatMap(property)),
      ...innerComments(p.value.innerComments),
      '}',
    ]);
  }
  return withComments(p, [`.${p.name.name} = ${expression(p.value)};`]);
}

/** Adjacent string literals only (no `+`, nothing else): the shape of a probe's `.request`. */
function isStringLines(v: A.Property['value']): v is A.ConcatExpression {
  return v.kind === 'Concat' && v.separators.every((s) => s === ' ') && v.parts.every((e) => e.kind === 'String');
}

function directorMember(m: A.DirectorMember): string[] {
  const plain = m.innerComments.length === 0 && m.properties.every((p) => p.comments.leading.length === 0 && p.comments.trailing === null && p.value.kind !== 'Object');
  if (plain) return withComments(m, [`{ ${m.properties.map((p) => property(p)[0]).join(' ')} }`]);
  return withComments(m, ['{', ...indented(m.properties.flatMap(property)), ...innerComments(m.innerComments), '}']);
}

/** `prefix{`, the statements, `}` — for subs, if branches and bare blocks. */
function blockLines(prefix: string, b: A.Block): string[] {
  return [`${prefix}{`, ...indented(b.statements.flatMap(statement)), ...innerComments(b.innerComments), '}'];
}

/** Statements as lines, nested blocks indented, for code inserted into text (`#FASTLY` macros). */
export function printStatements(statements: readonly A.Statement[]): string[] {
  return statements.flatMap(statement);
}

function statement(s: A.Statement): string[] {
  switch (s.kind) {
    case 'Set': return withComments(s, [`set ${s.target.name} ${s.operator} ${expression(s.value)};`]);
    case 'Add': return withComments(s, [`add ${s.target.name} ${s.operator} ${expression(s.value)};`]);
    case 'Unset': return withComments(s, [`${s.keyword} ${s.target.name};`]);
    case 'If': return withComments(s, ifLines(s));
    case 'Return':
      if (s.value === null) return withComments(s, ['return;']);
      return withComments(s, [s.parenthesized ? `return(${expression(s.value)});` : `return ${expression(s.value)};`]);
    case 'Error': {
      const parts = ['error'];
      if (s.status !== null) parts.push(expression(s.status, CONCAT + 1));
      if (s.message !== null) parts.push(expression(s.message));
      return withComments(s, [`${parts.join(' ')};`]);
    }
    case 'Synthetic': return withComments(s, [`${s.base64 ? 'synthetic.base64' : 'synthetic'} ${expression(s.value)};`]);
    case 'Declare': return withComments(s, [`declare local ${s.name.name} ${s.type.name};`]);
    case 'Call': return withComments(s, [`call ${s.subroutine.name};`]);
    case 'Log': return withComments(s, [`log ${expression(s.value)};`]);
    case 'Restart': return withComments(s, ['restart;']);
    case 'Esi': return withComments(s, ['esi;']);
    case 'Goto': return withComments(s, [`goto ${s.label.name};`]);
    case 'Label': return withComments(s, [`${s.name}:`]);
    case 'Block': return withComments(s, blockLines('', s));
    case 'FastlyMacro': return withComments(s, [`#FASTLY ${s.phase}`]);
    case 'FunctionCallStatement': return withComments(s, [`${expression(s.call)};`]);
  }
}

function ifLines(s: A.IfStatement): string[] {
  const lines = blockLines(`if (${expression(s.condition)}) `, s.consequent);
  const clauses: Array<{ node: A.ElseIfClause | A.ElseClause; head: string }> = s.elseIfs.map((c) => ({ node: c, head: `${c.keyword} (${expression(c.condition)}) ` }));
  if (s.alternate !== null) clauses.push({ node: s.alternate, head: 'else ' });
  let previousTrailing = false;
  for (const { node, head } of clauses) {
    const [first, ...rest] = withComments({ comments: { leading: [], trailing: node.comments.trailing } }, blockLines(head, node.body));
    if (previousTrailing || node.comments.leading.length > 0) {
      lines.push(...node.comments.leading.map((c) => c.text), first, ...rest);
    } else {
      lines[lines.length - 1] += ` ${first}`;
      lines.push(...rest);
    }
    previousTrailing = node.comments.trailing !== null;
  }
  return lines;
}

// ─── Expressions ───────────────────────────────────────────────────────────────────────

const CONCAT = 6;
const PREFIX = 7;
/** The lowest operator a `!` takes into its operand (./parser-expr.ts): a comparison. */
const NOT_OPERAND = 3;
const BINARY: Readonly<Record<A.BinaryOperator, number>> = {
  '||': 1, '&&': 2, '~': 3, '!~': 3, '==': 4, '!=': 4, '<': 5, '>': 5, '<=': 5, '>=': 5,
};

function precedence(e: A.Expression): number {
  switch (e.kind) {
    case 'Binary': return BINARY[e.operator];
    case 'Concat': return CONCAT;
    case 'Unary': return PREFIX;
    default: return PREFIX + 1;
  }
}

/**
 * Prints `e`, wrapped in parentheses when it binds looser than `min` requires. `open` says that a
 * comparison or a concatenation follows `e` on its right: a `!` at the end of `e` would take it
 * into its operand (Varnish's `!` negates a whole comparison), so such a `!` is wrapped.
 */
export function expression(e: A.Expression, min = 1, open = false): string {
  if (precedence(e) < min) return `(${bare(e, false)})`;
  return bare(e, open);
}

function bare(e: A.Expression, open: boolean): string {
  switch (e.kind) {
    case 'Identifier': return e.name;
    case 'String': case 'Integer': case 'Float': case 'Rtime': case 'Percent': return e.raw;
    case 'Boolean': return e.value ? 'true' : 'false';
    case 'Binary': {
      const p = BINARY[e.operator];
      return `${expression(e.left, p, p >= NOT_OPERAND)} ${e.operator} ${expression(e.right, p + 1, open)}`;
    }
    case 'Concat': {
      const last = e.parts.length - 1;
      let out = expression(e.parts[0], PREFIX, last > 0 || open);
      for (let i = 1; i <= last; i++) out += `${e.separators[i - 1] === '+' ? ' + ' : ' '}${expression(e.parts[i], PREFIX, i < last || open)}`;
      return out;
    }
    case 'Unary': {
      if (e.operator === '-') return `-${expression(e.operand, PREFIX)}`;
      const text = `!${expression(e.operand, NOT_OPERAND)}`;
      return open ? `(${text})` : text;
    }
    case 'FunctionCall': return `${e.callee.name}(${e.arguments.map((a) => expression(a)).join(', ')})`;
    case 'IfExpression': return `if(${expression(e.condition)}, ${expression(e.then)}, ${expression(e.otherwise)})`;
    case 'Group': return `(${expression(e.expression)})`;
  }
}

// ─── String literals ───────────────────────────────────────────────────────────────────

export type QuotedString = { readonly ok: true; readonly raw: string } | { readonly ok: false; readonly reason: string };

/**
 * What a "…" string escapes: its quote, the escape character, and every character that is not
 * seen as itself: controls (Cc), format characters (Cf, the bidi controls among them) and the
 * Unicode line and paragraph separators (Zl, Zp).
 */
const ESCAPED = /["%\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
/** The same unseen characters, line breaks and tabs excepted: a long string holds none of them. */
const UNSEEN = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * The one rule by which a value becomes a VCL string literal (Fastly's VCL reference,
 * types/STRING; what ./lexer.ts reads back):
 * - NUL and unpaired surrogates are refused: no form holds them (Fastly: "%00 has the effect
 *   of terminating the string at that point"; "string literals must be valid UTF-8").
 * - A value of several lines (a PEM certificate) is a verbatim long string, `{"…"}`, or
 *   `{EOF"…"EOF}` with the first delimiter whose closing `"EOF}` the value does not contain.
 *   Only when it holds no other unseen character (control, format or separator): those are
 *   never written verbatim.
 * - Anything else is a "…" string in which `"`, `%` and every unseen character is a %XX
 *   (ASCII), %uXXXX or %u{X…} escape, which the lexer decodes back: the value cannot end the
 *   string early, and nothing invisible (a bidi override, an ESC) reaches the text.
 */
export function quoteString(value: string): QuotedString {
  if (value.includes('\0')) return { ok: false, reason: 'contains NUL, which no VCL string can hold' };
  if (!value.isWellFormed()) return { ok: false, reason: 'contains an unpaired UTF-16 surrogate, which is not text' };
  if (/[\r\n]/.test(value) && !UNSEEN.test(value)) return { ok: true, raw: longString(value) };
  return { ok: true, raw: `"${value.replace(ESCAPED, escape)}"` };
}

function escape(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase();
  if (code < 0x80) return `%${hex.padStart(2, '0')}`;
  return code <= 0xffff ? `%u${hex.padStart(4, '0')}` : `%u{${hex}}`;
}

function longString(value: string): string {
  let delimiter = '';
  for (let n = 0; value.includes(`"${delimiter}}`); n++) delimiter = n === 0 ? 'EOF' : `EOF${n}`;
  return `{${delimiter}"${value}"${delimiter}}`;
}
