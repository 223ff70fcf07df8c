import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as A from '../../src/vcl/syntax/ast.ts';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { expression, print } from '../../src/vcl/syntax/print.ts';
import * as B from '../../src/vcl/syntax/ast-build.ts';
import { expectDiagnostic, expectParse, formatShort, sexpr, withoutOffsets } from './golden.ts';

const expressions: Array<[string, string]> = [
  ['a || b && c', '(|| a (&& b c))'],
  ['a && b || c', '(|| (&& a b) c)'],
  ['a ~ "x" && b !~ "y"', '(&& (~ a "x") (!~ b "y"))'],
  ['a == b ~ c', '(~ (== a b) c)'],
  ['a < b == c >= d', '(== (< a b) (>= c d))'],
  ['"a" b + "c" == d', '(== (concat "a" b + "c") d)'],
  ['!a || !b', '(|| (! a) (! b))'],
  // `!` negates a whole comparison, as Varnish's vcc_expr.c and Fastly's generated gzip VCL read it.
  ['!a "x"', '(! (concat a "x"))'],
  ['!a ~ "x"', '(! (~ a "x"))'],
  ['!a ~ "x" && b', '(&& (! (~ a "x")) b)'],
  ['!a == b || c', '(|| (! (== a b)) c)'],
  ['!!a ~ "x"', '(! (! (~ a "x")))'],
  ['-1', '(- 1)'],
  ['!(a || b)', '(! (group (|| a b)))'],
  ['std.tolower(req.url) ~ "^/a"', '(~ (call std.tolower req.url) "^/a")'],
  ['f()', '(call f)'],
  ['if(req.is_ssl, "https", "http") "://" req.http.host', '(concat (if req.is_ssl "https" "http") "://" req.http.host)'],
  ['a == b == c', '(== (== a b) c)'],
  ['true', 'true'],
  ['10s', '10s'],
  ['50%', '50%'],
  ['regsub(req.url, "\\?.*$", "")', '(call regsub req.url "\\?.*$" "")'],
];
for (const [input, expected] of expressions) {
  test(`expression ${input} parses as ${expected}`, () => expectParse(input, expected));
}

/** The expression without the parentheses written around its parts (Group nodes). */
function ungroup(e: A.Expression): A.Expression {
  switch (e.kind) {
    case 'Group': return ungroup(e.expression);
    case 'Unary': return { ...e, operand: ungroup(e.operand) };
    case 'Binary': return { ...e, left: ungroup(e.left), right: ungroup(e.right) };
    case 'Concat': return { ...e, parts: e.parts.map(ungroup) };
    default: return e;
  }
}

test('a negation printed inside a comparison or a concatenation is wrapped, so it reads back as built', () => {
  const cases: Array<[A.Expression, string]> = [
    [B.binary('~', [B.not(B.ident('a')), B.str('x')]), '(!a) ~ "x"'],
    [B.binary('&&', [B.not(B.binary('~', [B.ident('b'), B.str('y')])), B.ident('c')]), '!b ~ "y" && c'],
    [B.binary('==', [B.ident('a'), B.not(B.ident('b'))]), 'a == !b'],
    [B.binary('~', [B.binary('==', [B.ident('a'), B.not(B.ident('b'))]), B.str('x')]), 'a == (!b) ~ "x"'],
  ];
  for (const [built, text] of cases) {
    assert.equal(expression(built), text);
    const { ast, diagnostics } = parse(`sub s { set var.x = ${text}; }`);
    assert.deepEqual(diagnostics.map(formatShort), []);
    const set = (ast.declarations[0] as A.SubDeclaration).body.statements[0] as A.SetStatement;
    assert.equal(expression(set.value), text, `${text} reads back as built`);
    assert.equal(sexpr(ungroup(set.value)), sexpr(built), `${text} means what was built`);
  }
});

function only<T>(text: string): T {
  const { ast, diagnostics } = parse(text);
  assert.deepEqual(diagnostics.map(formatShort), []);
  return ast.declarations[0] as T;
}
function statements(body: string): A.Statement[] {
  return [...only<A.SubDeclaration>(`sub s {\n${body}\n}`).body.statements];
}

test('statements: every kind is recognised with its parts', () => {
  const s = statements([
    'set req.http.X-Foo = "1";', 'add req.http.Set-Cookie = "a";', 'unset req.http.A;', 'remove req.http.B;',
    'return;', 'return(lookup);', 'return pass;', 'error;', 'error 503;', 'error 503 "Down" req.url;',
    'synthetic {"x"};', 'synthetic.base64 "eA==";', 'declare local var.n INTEGER;', 'call other;', 'log "a" b;',
    'restart;', 'esi;', 'goto end;', 'end:', '{ }', '#FASTLY recv', 'h2.push("/a.css");', 'set var.n rol= 2;',
  ].join('\n'));
  assert.deepEqual(s.map((x) => x.kind), [
    'Set', 'Add', 'Unset', 'Unset', 'Return', 'Return', 'Return', 'Error', 'Error', 'Error',
    'Synthetic', 'Synthetic', 'Declare', 'Call', 'Log', 'Restart', 'Esi', 'Goto', 'Label', 'Block', 'FastlyMacro', 'FunctionCallStatement', 'Set',
  ]);
  assert.deepEqual(withoutOffsets((s[0] as A.SetStatement).target), { kind: 'Identifier', name: 'req.http.X-Foo', comments: { leading: [], trailing: null } });
  assert.deepEqual([(s[2] as A.UnsetStatement).keyword, (s[3] as A.UnsetStatement).keyword], ['unset', 'remove']);
  const returns = s.slice(4, 7) as A.ReturnStatement[];
  assert.deepEqual(returns.map((r) => [r.value === null ? null : (r.value as A.Identifier).name, r.parenthesized]), [[null, false], ['lookup', true], ['pass', false]]);
  const err = s[9] as A.ErrorStatement;
  assert.equal((err.status as A.IntegerLiteral).value, 503);
  assert.equal(err.message?.kind, 'Concat');
  assert.deepEqual([(s[10] as A.SyntheticStatement).base64, (s[11] as A.SyntheticStatement).base64], [false, true]);
  const decl = s[12] as A.DeclareStatement;
  assert.deepEqual([decl.name.name, decl.type.name], ['var.n', 'INTEGER']);
  assert.equal((s[18] as A.LabelStatement).name, 'end');
  assert.equal((s[20] as A.FastlyMacro).phase, 'recv');
  assert.equal((s[21] as A.FunctionCallStatement).call.callee.name, 'h2.push');
  assert.equal((s[22] as A.SetStatement).operator, 'rol=');
});

test('if keeps each elsif / elseif / else if spelling and the else branch', () => {
  const [s] = statements('if (a) { } elsif (b) { } elseif (c) { } else if (d) { log "d"; } else { restart; }') as [A.IfStatement];
  assert.equal(s.kind, 'If');
  assert.deepEqual(s.elseIfs.map((c) => [c.keyword, (c.condition as A.Identifier).name]), [['elsif', 'b'], ['elseif', 'c'], ['else if', 'd']]);
  assert.equal(s.alternate?.body.statements[0].kind, 'Restart');
});

test('a backend keeps its properties in order, .probe as an object, names verbatim', () => {
  const b = only<A.BackendDeclaration>('backend F_x { .host = "h"; .ssl_check_cert = always; .probe = { .window = 5; .request = "GET / HTTP/1.1" "Host: h"; } }');
  assert.equal(b.name.name, 'F_x');
  assert.deepEqual(b.properties.map((p) => p.name.name), ['host', 'ssl_check_cert', 'probe']);
  assert.deepEqual(withoutOffsets(b.properties[1].value), { kind: 'Identifier', name: 'always', comments: { leading: [], trailing: null } });
  const probe = b.properties[2].value as A.ObjectValue;
  assert.equal(probe.kind, 'Object');
  assert.deepEqual(probe.properties.map((p) => p.name.name), ['window', 'request']);
  const request = probe.properties[1].value as A.ConcatExpression;
  assert.deepEqual(request.parts.map((p) => (p as A.StringLiteral).value), ['GET / HTTP/1.1', 'Host: h']);
});

test('a property name range covers its dot', () => {
  const b = only<A.BackendDeclaration>('backend b { .host = "h"; }');
  assert.deepEqual([b.properties[0].name.start, b.properties[0].name.end], [12, 17]);
  assert.deepEqual([b.start, b.end], [0, 26]);
});

test('a director keeps its type, properties and members in source order', () => {
  const d = only<A.DirectorDeclaration>('director d random { .quorum = 50%; { .backend = F_a; .weight = 2; } .retries = 1; { .backend = F_b; .weight = 1; } }');
  assert.deepEqual([d.name.name, d.type.name], ['d', 'random']);
  assert.deepEqual(d.properties.map((p) => p.name.name), ['quorum', 'retries']);
  assert.deepEqual(d.members.map((m) => (m.properties[0].value as A.Identifier).name), ['F_a', 'F_b']);
  assert.deepEqual((d.properties[0].value as A.PercentLiteral).value, 50);
});

test('tables with and without a type, trailing comma allowed', () => {
  const t = only<A.TableDeclaration>('table routes BACKEND { "eu": F_a, "us": F_b, }');
  assert.equal(t.type?.name, 'BACKEND');
  assert.deepEqual(t.entries.map((e) => [e.key.value, (e.value as A.Identifier).name]), [['eu', 'F_a'], ['us', 'F_b']]);
  assert.equal(only<A.TableDeclaration>('table t { "a": "b" }').type, null);
});

test('acl entries with negation and masks', () => {
  const a = only<A.AclDeclaration>('acl office { "10.0.0.0"/8; !"10.1.0.0"/16; "192.168.0.1"; }');
  assert.deepEqual(a.entries.map((e) => [e.negated, e.address.value, e.mask]), [[false, '10.0.0.0', 8], [true, '10.1.0.0', 16], [false, '192.168.0.1', null]]);
});

test('include, import, pragma, C! and W!, and typed subs', () => {
  const { ast, diagnostics } = parse('pragma optional_param geoip_opt_in true;\nC!\nW!\ninclude "x";\nimport boltsort;\nsub f BOOL { return true; }');
  assert.deepEqual(diagnostics, []);
  const [p, c, w, inc, imp, sub] = ast.declarations as [A.PragmaDeclaration, A.DirectiveDeclaration, A.DirectiveDeclaration, A.IncludeDeclaration, A.ImportDeclaration, A.SubDeclaration];
  assert.deepEqual(p.words, ['optional_param', 'geoip_opt_in', 'true']);
  assert.deepEqual([c.name, w.name], ['C!', 'W!']);
  assert.equal(inc.path.value, 'x');
  assert.equal(imp.name.name, 'boltsort');
  assert.equal(sub.returnType?.name, 'BOOL');
});

test('comments attach as leading, trailing, inner and end-of-file', () => {
  const { ast } = parse('# lead\nsub s { # first\n  set a = 1; # trail\n  # inner\n}\n# eof\n');
  const sub = ast.declarations[0] as A.SubDeclaration;
  assert.deepEqual(sub.comments.leading.map((c) => c.text), ['# lead']);
  const set = sub.body.statements[0];
  assert.deepEqual(set.comments.leading.map((c) => c.text), ['# first']);
  assert.equal(set.comments.trailing?.text, '# trail');
  assert.deepEqual(sub.body.innerComments.map((c) => c.text), ['# inner']);
  assert.deepEqual(ast.endComments.map((c) => c.text), ['# eof']);
});

const diagnosticCases: Array<[string, string, string[]]> = [
  ['a missing semicolon, reported after the previous token', 'sub vcl_recv {\n  set req.http.X = "1"\n  set req.http.Y = "2";\n}',
    ['2:23 error parse/missing-semicolon missing ";" after set statement']],
  ['several errors in one run, each resynchronised at ";"', 'sub vcl_recv {\n  set req.http.X "1";\n  unset;\n  set req.http.Z = "ok";\n}',
    ['2:18 error parse/unexpected-token expected an assignment operator ("=", "+=", …), found "\\"1\\""', '3:8 error parse/unexpected-token expected variable name, found ";"']],
  ['an error in a backend then one in a sub', 'backend b { .host = ; .port = "80"; }\nsub vcl_recv { return(lookup) }',
    ['1:21 error parse/unexpected-token expected an expression, found ";"', '2:30 error parse/missing-semicolon missing ";" after return']],
  ['an unknown declaration skips its braces', 'frobnicate x { a; }\nbackend b { .host = "h"; }',
    ['1:1 error parse/unknown-declaration unknown declaration "frobnicate": expected backend, director, table, acl, sub, penaltybox, ratecounter, include, import or pragma']],
  ['an error in an if condition skips the whole if', 'sub vcl_recv {\n  if (req.url == ) {\n    set a = 1;\n  }\n  set b = ;\n}',
    ['2:18 error parse/unexpected-token expected an expression, found ")"', '5:11 error parse/unexpected-token expected an expression, found ";"']],
  ['an unclosed sub', 'sub vcl_recv {\n  set a = 1;', ['1:14 error parse/unclosed-block missing "}" to close subroutine opened here']],
  ['#FASTLY outside a sub', '#FASTLY recv\nsub a {}', ['1:1 error parse/macro-outside-sub #FASTLY recv is only allowed inside a subroutine']],
  ['an ACL mask that is not a number', 'acl a { "1.2.3.4"/x; "5.6.7.8"; }', ['1:19 error parse/unexpected-token expected prefix length, found "x"']],
  ['a missing comma in a table', 'table t { "a": 1 "b": 2 }', ['1:18 error parse/unexpected-token expected "," or "}" after a table entry, found "\\"b\\""']],
  ['declare without local, if() with two arguments', 'sub a { declare var.x STRING; set x = if(a, b); }',
    ['1:17 error parse/unexpected-token expected "local", found "var.x"', '1:39 error parse/unexpected-token expected if(condition, then, else) with 3 arguments, found 2 arguments']],
  ['a missing semicolon inside a director member', 'director d random { { .backend = F_a .weight = 1; } }',
    ['1:37 error parse/missing-semicolon missing ";" after property .backend']],
  ['a stray closing brace at top level', '}\nsub a {}', ['1:1 error parse/unknown-declaration unknown declaration "}": expected backend, director, table, acl, sub, penaltybox, ratecounter, include, import or pragma']],
  ['an unterminated string does not cascade into parser errors', 'sub a { set x = "abc\n; }', ['1:17 error lex/unterminated-string unterminated string: a "…" string must close on the same line']],
];
for (const [name, input, expected] of diagnosticCases) {
  test(`diagnostics: ${name}`, () => expectDiagnostic(input, ...expected));
}

test('the parser recovers: declarations after errors are still in the tree', () => {
  const { ast } = parse('frobnicate x { a; }\nbackend b { .host = ; .port = "80"; }\nsub vcl_recv { set = ; log "ok"; }');
  assert.deepEqual(ast.declarations.map((d) => d.kind), ['Backend', 'Sub']);
  assert.deepEqual((ast.declarations[0] as A.BackendDeclaration).properties.map((p) => p.name.name), ['port']);
  assert.deepEqual((ast.declarations[1] as A.SubDeclaration).body.statements.map((s) => s.kind), ['Log']);
});

test('a concatenation goes on across a line break before if(…, …, …), as in Fastly\'s generated debug lines', () => {
  const [set] = statements('  set resp.http.X = "a "\n    if(resp.http.Y, resp.http.Y, "");');
  assert.equal(set.kind, 'Set');
  const value = (set as A.SetStatement).value;
  assert.equal(value.kind, 'Concat');
  assert.deepEqual((value as A.ConcatExpression).parts.map((p) => p.kind), ['String', 'IfExpression']);
  // An if statement on the next line still ends a statement that lacks its semicolon.
  expectDiagnostic('sub vcl_recv {\n  set req.http.X = "1"\n  if (req.http.Y) { set req.http.Z = "2"; }\n}',
    '2:23 error parse/missing-semicolon missing ";" after set statement');
});

test('penaltybox and ratecounter declarations parse, print, and have an empty body', () => {
  const text = 'penaltybox rl_pb {\n}\n\nratecounter rl_rc {\n}\n';
  const { ast, diagnostics } = parse(text);
  assert.deepEqual(diagnostics.map(formatShort), []);
  assert.deepEqual(ast.declarations.map((d) => [d.kind, (d as A.RateLimitDeclaration).name.name]), [['Penaltybox', 'rl_pb'], ['Ratecounter', 'rl_rc']]);
  assert.equal(print(ast), text);
  expectDiagnostic('penaltybox pb { .x = 1; }', '1:17 error parse/unexpected-token expected "}": a penaltybox has an empty body, found "."');
});
