// The one definition of Fastly's functions (src/vcl/language/functions.ts) against its readers:
// every function lacquer runs is accepted by the checker with each argument count its signature
// allows and then compiles and runs; every function Fastly documents that lacquer does not run is
// named as lacquer's limit. A function checked but not run, or run but not checked, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arity, FUNCTIONS } from '../../../src/vcl/language/functions.ts';
import type { ArgumentSpec, FunctionSpec } from '../../../src/vcl/language/functions.ts';
import { checkText } from '../check-golden.ts';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';

const PRELUDE = `${BACKEND}table t { "k": "v" }\nacl a { "10.0.0.0"/8; }\nratecounter rc { }\npenaltybox pb { }\n`;

const ARG: Readonly<Record<string, string>> = {
  STRING: '"/a?b=1"', INTEGER: '2', FLOAT: '1.5', BOOL: 'true', TIME: 'now', RTIME: '1s', IP: 'client.ip',
  BACKEND: 'F_origin', ACL: 'a', TABLE: 't', REGEX: '"^/(a)"', ID: 'req.http.X-Test',
};

/** A call with `count` arguments of the signature's types. */
function call(fn: FunctionSpec, count: number): string {
  const args: ArgumentSpec[] = [];
  for (let i = 0; i < count; i++) args.push(fn.args[Math.min(i, fn.args.length - 1)]);
  return `${fn.name}(${args.map((x) => x.declares === 'ratecounter' ? 'rc' : x.declares === 'penaltybox' ? 'pb' : ARG[x.type]).join(', ')})`;
}

/** The call as a statement of vcl_recv: its value kept in a local of its type, or called for its effect. */
function use(fn: FunctionSpec, count: number): string {
  if (!['STRING', 'INTEGER', 'FLOAT', 'BOOL', 'TIME', 'RTIME', 'IP', 'BACKEND'].includes(fn.returns)) return `${call(fn, count)};`;
  return `declare local var.o ${fn.returns}; set var.o = ${call(fn, count)};`;
}

test('a function lacquer runs is accepted with every argument count its signature allows, and runs', () => {
  for (const fn of FUNCTIONS.filter((f) => f.impl !== undefined)) {
    const { min, max } = arity(fn);
    for (const count of new Set([min, Math.min(max, fn.args.length)])) {
      const keep = fn.returns === 'VOID' ? '' : ' set req.http.Out = var.o;';
      const vcl = `${PRELUDE}sub vcl_recv { ${use(fn, count)}${keep} }`;
      assert.deepEqual(checkText(vcl).filter((d) => d.severity === 'error').map((d) => d.code), [], `${call(fn, count)}`);
      const ctx = makeContext({ url: '/a?b=1', headers: { 'X-Test': 'a=1, b=2' } });
      compileVcl(vcl).run('recv', ctx);
      // The value reached the header as VCL text: a function's result is of its declared type.
      const out: unknown = ctx.req.http.get('Out');
      if (fn.returns !== 'VOID') assert.ok(typeof out === 'string' || out === null, `${call(fn, count)} gave ${typeof out}`);
    }
  }
});

test('a function Fastly documents and lacquer does not run is lacquer\'s limit', () => {
  const missing = FUNCTIONS.filter((f) => f.impl === undefined);
  assert.ok(missing.length > 50, `${missing.length} documented functions lacquer does not run`);
  for (const fn of missing) {
    const codes = checkText(`${PRELUDE}sub vcl_${fn.available[0]} { ${use(fn, arity(fn).min)} }`).filter((d) => d.severity === 'error');
    assert.deepEqual(codes.map((d) => `${d.code} ${d.message}`), [`lacquer/unsupported the function ${fn.name}() is not supported by lacquer`], fn.name);
  }
});

test('only names Fastly does not document are "no function of that name"', () => {
  assert.deepEqual(checkText(`${BACKEND}sub vcl_recv { set req.url = std.lowercase(req.url); }`).map((d) => d.message),
    ['std.lowercase(): Fastly has no function of that name']);
  assert.deepEqual(checkText(`${BACKEND}sub vcl_recv { set req.url = digest.hash_xxh32(req.url); }`).map((d) => d.code),
    ['lacquer/unsupported']);
});
