// The one definition of Fastly's variables (src/vcl/language/variables.ts) against its readers:
// every variable the checker lets a phase read, set or unset compiles and runs there, every one
// it refuses is refused with the reason, and every variable Fastly documents that lacquer does
// not run is named as lacquer's limit. A name checked but not run, or run but not checked,
// fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRun, lookupVariable, VARIABLES } from '../../../src/vcl/language/variables.ts';
import type { VariableSpec } from '../../../src/vcl/language/variables.ts';
import { PHASES } from '../../../src/vcl/language/subroutines.ts';
import type { Phase } from '../../../src/vcl/language/subroutines.ts';
import { resolveVariable } from '../../../src/vcl/compile/variables.ts';
import { checkText } from '../check-golden.ts';
import { BACKEND, compileVcl, contextFor } from '../helpers/context.ts';

/** A name that uses the variable: its pattern filled in. */
const sample = (spec: VariableSpec): string =>
  spec.name.replace('{header}', 'X-Test').replace('{name}', 'F_origin').replace('{N}', '1');

/** The backend, and a rate counter of the name `{name}` is sampled with (on the same line: checkEachPhase counts lines). */
const PRELUDE = BACKEND.replace(/\n$/, ' ratecounter F_origin { }\n');

const VALUE: Readonly<Record<string, string>> = {
  STRING: '"x"', HEADER: '"x"', INTEGER: '1', FLOAT: '1.5', BOOL: 'true', TIME: 'now', RTIME: '1s', IP: '"192.0.2.1"', BACKEND: 'F_origin',
};


/** One subroutine per phase, each on its own line, doing `body`; the checker's codes by phase. */
function checkEachPhase(body: string): Map<Phase, string[]> {
  const lines = PHASES.map((p) => `sub vcl_${p} { ${body} }`);
  const byPhase = new Map<Phase, string[]>(PHASES.map((p) => [p, []]));
  for (const d of checkText(PRELUDE + lines.join('\n'))) byPhase.get(PHASES[d.line - 2])?.push(d.code);
  return byPhase;
}

/** Compiles `body` in the given phases and runs each (a variable's closures must work there). */
function runIn(phases: readonly Phase[], body: string): void {
  if (phases.length === 0) return;
  const service = compileVcl(PRELUDE + phases.map((p) => `sub vcl_${p} { ${body} }`).join('\n'));
  for (const p of phases) service.run(p, contextFor(p));
}

const implemented = VARIABLES.filter((v) => v.impl !== undefined);
const env = { defaultBackend: 'F_origin', backends: new Set(['F_origin']) };

test('a variable lacquer runs is read, set and unset exactly where the checker allows, and runs there', () => {
  for (const spec of implemented) {
    const name = sample(spec);
    const operations: [readonly Phase[], string, string][] = [];
    if (spec.read.length > 0) operations.push([spec.read, `declare local var.o STRING; set var.o = ${name};`, 'var/not-readable']);
    if (spec.write.length > 0) operations.push([spec.write, `set ${name} = ${VALUE[spec.type]};`, 'var/not-settable']);
    if (spec.unset) operations.push([spec.write.length > 0 ? spec.write : spec.read, `unset ${name};`, 'var/not-settable']);
    for (const [allowed, body, refusal] of operations) {
      const codes = checkEachPhase(body);
      for (const p of PHASES) assert.deepEqual(codes.get(p), allowed.includes(p) ? [] : [refusal], `${body} in vcl_${p}`);
      runIn(allowed, body);
    }
    if (spec.write.length === 0) assert.deepEqual(checkEachPhase(`set ${name} = ${VALUE[spec.type]};`).get('recv'), ['var/read-only'], name);
    if (!spec.unset) assert.deepEqual(checkEachPhase(`unset ${name};`).get('recv'), ['var/not-unsettable'], name);
  }
});

test('each entry keeps its promises: closures for what it may do, the type it declares', () => {
  for (const spec of implemented) {
    const v = resolveVariable(sample(spec), env);
    assert.ok(v !== null, spec.name);
    assert.equal(v.get !== null, spec.read.length > 0, `${spec.name} get`);
    assert.equal(v.set !== null, spec.write.length > 0, `${spec.name} set`);
    assert.equal(v.unset !== null, spec.unset, `${spec.name} unset`);
    assert.equal(v.add !== null, spec.type === 'HEADER', `${spec.name} add`);
    assert.equal(v.type, spec.type === 'HEADER' ? 'STRING' : spec.type, `${spec.name} type`);
  }
});

test('a variable Fastly documents and lacquer does not run is lacquer\'s limit, wherever it is used', () => {
  const missing = VARIABLES.filter((v) => !isRun(v));
  assert.ok(missing.length > 100, `${missing.length} documented variables lacquer does not run`);
  for (const spec of missing) {
    const name = sample(spec);
    assert.equal(resolveVariable(name, env), null, name);
    const use = spec.read.length > 0 ? `declare local var.o STRING; set var.o = ${name};` : `set ${name} = ${VALUE[spec.type]};`;
    const diagnostics = checkText(`${BACKEND}sub vcl_recv { ${use} }`).map((d) => `${d.code} ${d.message}`);
    assert.deepEqual(diagnostics, [`lacquer/unsupported the variable ${name} is not supported by lacquer`], name);
  }
});

test('only names Fastly does not document are "no variable of that name"', () => {
  assert.deepEqual(checkText(`${BACKEND}sub vcl_recv { set req.http.X = req.xforwarded; }`).map((d) => d.message),
    ['req.xforwarded: Fastly has no variable of that name']);
  assert.equal(lookupVariable('quic.rtt.latest')?.spec.impl, undefined);
  assert.equal(lookupVariable('geoip.nonsense'), null);
});
