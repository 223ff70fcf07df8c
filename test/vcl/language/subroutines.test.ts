// The one definition of Fastly's subroutines (src/vcl/language/subroutines.ts) against its
// readers: a return the checker accepts is one the compiled program may end with and one the
// edge's state machine has a next step for; a return it refuses is one neither would run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_RETURNS, macroStatements, PHASES, SUBROUTINES, TRANSITIONS } from '../../../src/vcl/language/subroutines.ts';
import { expandMacros, type PhaseCode } from '../../../src/model/generate.ts';
import type { Phase } from '../../../src/vcl/language/subroutines.ts';
import type { Statement } from '../../../src/vcl/syntax/ast.ts';
import { TRANSITIONS as EDGE_TRANSITIONS } from '../../../src/edge/steps.ts';
import { checkText } from '../check-golden.ts';
import { BACKEND, compileUnchecked, compileVcl, contextFor } from '../helpers/context.ts';


test('a return the checker accepts in a phase is one the compiled phase ends with and the edge has a next step for', () => {
  let accepted = 0;
  for (const phase of PHASES) {
    for (const action of ALL_RETURNS) {
      const vcl = `${BACKEND}sub vcl_${phase} { return(${action}); }`;
      const errors = checkText(vcl).filter((d) => d.severity === 'error').map((d) => d.code);
      const next = (TRANSITIONS[phase] as Record<string, string | undefined>)[action];
      if (errors.length === 0) {
        accepted++;
        assert.notEqual(next, undefined, `vcl_${phase} return(${action}) is checked but has no transition`);
        assert.equal(compileVcl(vcl).run(phase, contextFor(phase)), action, `vcl_${phase} return(${action})`);
      } else {
        assert.equal(next, undefined, `vcl_${phase} return(${action}) has a transition but the checker refuses it (${errors.join(', ')})`);
        // The compiler or the runtime refuses it too, should an unchecked program ever reach them.
        const unchecked = compileUnchecked(vcl);
        if (unchecked.errors.length === 0) assert.throws(() => unchecked.service.run(phase, contextFor(phase)), /may not return/);
      }
    }
  }
  assert.equal(accepted, Object.values(TRANSITIONS).reduce((n, t) => n + Object.keys(t).length, 0));
});

test('the edge steps through the transitions the language declares', () => {
  assert.equal(EDGE_TRANSITIONS, TRANSITIONS);
});

test('Fastly\'s returns lacquer does not run are named as lacquer\'s limit, not as a mistake', () => {
  assert.deepEqual(checkText(`${BACKEND}sub vcl_recv { return(upgrade); }`).map((d) => `${d.code} ${d.message}`),
    ['lacquer/unsupported return(upgrade) in vcl_recv is not supported by lacquer']);
  assert.deepEqual(checkText(`${BACKEND}sub vcl_pass { return(fetch); }`).map((d) => d.code), ['sub/action-not-allowed']);
});

test('every subroutine lacquer runs has a transition for its own default ending', () => {
  for (const s of SUBROUTINES) {
    if (s.phase === null) continue;
    const ending = s.fallthrough(contextFor(s.phase));
    assert.notEqual(TRANSITIONS[s.phase][ending], undefined, `${s.name} ends with ${ending}`);
  }
});

test('vcl_pipe, which Fastly-generated VCL defines, is accepted and checked, and never runs', () => {
  const vcl = `${BACKEND}sub vcl_pipe {\n  set bereq.http.connection = "close";\n  set req.http.Fastly-Cachetype = "PIPE";\n}\nsub vcl_recv { return(pass); }`;
  assert.deepEqual(checkText(vcl).map((d) => d.code), []);
  const service = compileVcl(vcl);
  const ctx = contextFor('recv');
  assert.equal(service.run('recv', ctx), 'pass');
  assert.equal(ctx.req.http.get('Fastly-Cachetype'), null);
  assert.deepEqual(checkText(`${BACKEND}sub vcl_pipe { set req.http.X = nosuch.thing; }`).map((d) => d.code), ['var/unknown']);
});

test('var.fastly_req_do_shield, declared by #FASTLY recv, is read after the macro as written and once expanded', () => {
  const custom = 'sub vcl_recv {\n#FASTLY recv\n  if (var.fastly_req_do_shield) { set req.http.X-Shield = "first"; }\n  return(lookup);\n}\n';
  assert.deepEqual(checkText(`${BACKEND}${custom}`).map((d) => d.code), []);
  const ctx = contextFor('recv');
  assert.equal(compileVcl(`${BACKEND}${custom}`).run('recv', ctx), 'lookup');
  assert.equal(ctx.req.http.get('X-Shield'), 'first');
  // The activation path: the generator expands the macro in the text.
  const code: Partial<Record<Phase, Statement[]>> = {};
  for (const p of PHASES) code[p] = macroStatements(p);
  const expanded = expandMacros(`${BACKEND}${custom}`, code as PhaseCode);
  assert.match(expanded, /declare local var\.fastly_req_do_shield BOOL;/);
  const restarted = contextFor('recv');
  restarted.req.restarts = 1;
  compileVcl(expanded).run('recv', restarted);
  assert.equal(restarted.req.http.get('X-Shield'), null);
});

test('a vcl_ subroutine defined twice runs as one, its bodies concatenated in order, and both are checked', () => {
  const vcl = `${BACKEND}sub vcl_recv {\n  declare local var.n INTEGER;\n  set var.n = 1;\n  set req.http.A = "1";\n}\n` +
    'sub vcl_recv {\n  set var.n += 1;\n  set req.http.B = var.n;\n  return(pass);\n}\n';
  assert.deepEqual(checkText(vcl).map((d) => d.code), []);
  const ctx = contextFor('recv');
  assert.equal(compileVcl(vcl).run('recv', ctx), 'pass');
  assert.deepEqual([ctx.req.http.get('A'), ctx.req.http.get('B')], ['1', '2']);
  // The second body is checked with the first one's locals and the phase's permissions.
  assert.deepEqual(checkText(`${vcl}sub vcl_recv { set beresp.ttl = 1s; declare local var.n STRING; }`).map((d) => `${d.line}:${d.col} ${d.code}`),
    ['12:20 var/not-settable', '12:51 var/duplicate-local']);
  // A custom subroutine may still be defined only once.
  assert.deepEqual(checkText(`${BACKEND}sub a { }\nsub a { }\nsub vcl_recv { call a; }`).map((d) => d.code), ['ref/duplicate']);
});
