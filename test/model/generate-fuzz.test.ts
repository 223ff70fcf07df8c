// DESIGN.md §1: nothing from the API reaches VCL text except through the syntax tree and the
// printer. Property: whatever values a backend and its healthcheck hold (any value their field
// rules accept), the generated VCL parses back to exactly the declarations the generator meant —
// one backend with exactly the expected properties holding exactly those values, the nine
// subroutines, nothing else — or generation names the field no VCL string can hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { backend, healthcheck, parseRecord, settings, type RecordOf, type ResourceBase } from '../../src/model/api/index.ts';
import { backendVclName, generateVcl, PHASES } from '../../src/model/generate.ts';
import type * as A from '../../src/vcl/index.ts';
import { parse } from '../../src/vcl/index.ts';
import { hostile } from '../vcl/hostile-strings.ts';

const RUNS = { numRuns: 150, seed: 20260807 };
const LIMIT = { timeout: 120_000 };

/** Values of one field: hostile strings its rule accepts. */
function valuesOf(resource: ResourceBase, field: string): fc.Arbitrary<string | null> {
  const schema = resource.fields[field];
  return fc.option(hostile.filter((v) => v !== '' && Value.Check(schema, v)), { nil: null, freq: 4 });
}

function record<R extends ResourceBase>(resource: R, body: Record<string, unknown>): RecordOf<R> {
  const r = parseRecord(resource, body, null);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.record;
}

const printable = (v: string): boolean => !v.includes('\0') && v.isWellFormed();

/** The value of a property written as one string, or several adjacent ones (as lines). */
function strings(e: A.Expression | A.ObjectValue): string[] {
  if (e.kind === 'String') return [e.value];
  if (e.kind === 'Concat') return e.parts.map((p) => (p.kind === 'String' ? p.value : assert.fail(`not a string: ${p.kind}`)));
  return assert.fail(`not a string: ${e.kind}`);
}

const backendValues = fc.record({
  name: hostile.filter((v) => Value.Check(backend.fields.name, v)),
  override_host: valuesOf(backend, 'override_host'),
  ssl_cert_hostname: valuesOf(backend, 'ssl_cert_hostname'),
  ssl_sni_hostname: valuesOf(backend, 'ssl_sni_hostname'),
  ssl_ciphers: valuesOf(backend, 'ssl_ciphers'),
  ssl_ca_cert: valuesOf(backend, 'ssl_ca_cert'),
  comment: valuesOf(backend, 'comment'),
});
const probeValues = fc.record({
  host: valuesOf(healthcheck, 'host'),
  path: valuesOf(healthcheck, 'path'),
  headers: fc.array(hostile.map((v) => `X-Probe: ${v}`).filter((h) => Value.Check(healthcheck.fields.headers, [h])), { maxLength: 3 }),
});

test('hostile field values round-trip through generate → parse, and nothing else appears', LIMIT, () => {
  fc.assert(fc.property(backendValues, fc.option(probeValues, { nil: null }), (b, p) => {
    const given = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== null));
    const be = record(backend, { ...given, address: 'origin.example', use_ssl: true, ...(p === null ? {} : { healthcheck: 'hc' }) });
    const hc = p === null ? null : record(healthcheck, {
      name: 'hc', ...(p.host === null ? {} : { host: p.host }), ...(p.path === null ? {} : { path: p.path }), headers: p.headers,
    });
    const out = generateVcl({ serviceId: 'SVC', version: 1, backends: [be], healthchecks: hc === null ? [] : [hc], directors: [], vcls: [], settings: record(settings, {}) });

    const unprintable = [...Object.entries(given), ...(p === null ? [] : [['host', p.host], ['path', p.path], ...p.headers.map((h) => ['headers', h])])]
      .filter(([field, v]) => field !== 'comment' && field !== 'name' && typeof v === 'string' && !printable(v)).map(([field]) => field);
    if (unprintable.length > 0) {
      assert.ok(out.problems.length > 0);
      for (const problem of out.problems) assert.equal(problem.code, 'unprintable-value');
      for (const field of unprintable) assert.ok(out.problems.some((x) => x.message.includes(` ${field} `) || x.message.includes(`: ${field} `)), `${field}: ${JSON.stringify(out.problems)}`);
      return;
    }
    assert.deepEqual(out.problems, []);

    const { ast, diagnostics } = parse(out.files[0].content, 'generated.vcl');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ast.declarations.map((d) => [d.kind, d.kind === 'Backend' || d.kind === 'Sub' ? d.name.name : null]),
      [['Backend', backendVclName(b.name)], ...PHASES.map((ph) => ['Sub', `vcl_${ph}`])]);
    const decl = ast.declarations[0] as A.BackendDeclaration;
    const props = new Map(decl.properties.map((x) => [x.name.name, x.value]));
    const expected: Array<[string, string | null]> = [
      ['share_key', 'SVC'], ['host', 'origin.example'], ['port', '443'],
      ['ssl_cert_hostname', b.ssl_cert_hostname], ['ssl_sni_hostname', b.ssl_sni_hostname],
      ['ssl_ciphers', b.ssl_ciphers], ['ssl_ca_cert', b.ssl_ca_cert], ['host_header', b.override_host],
    ];
    const names = ['dynamic', 'share_key', 'host', 'port', 'ssl', ...expected.slice(3, 5).filter(([, v]) => v !== null).map(([n]) => n), 'ssl_check_cert',
      ...expected.slice(5, 7).filter(([, v]) => v !== null).map(([n]) => n), 'connect_timeout', 'first_byte_timeout', 'between_bytes_timeout',
      'max_connections', ...(b.override_host === null ? [] : ['host_header', 'always_use_host_header']), 'probe'];
    assert.deepEqual(decl.properties.map((x) => x.name.name), names);
    for (const [name, value] of expected) {
      if (value !== null) assert.deepEqual(strings(props.get(name) ?? assert.fail(name)), [value], name);
    }
    const probe = props.get('probe');
    assert.equal(probe?.kind, 'Object');
    if (probe?.kind !== 'Object') return;
    if (p === null || hc === null) {
      assert.deepEqual(probe.properties.map((x) => x.name.name), ['dummy']);
      return;
    }
    assert.deepEqual(probe.properties.map((x) => x.name.name), ['request', 'expected_response', 'interval', 'timeout', 'window', 'threshold', 'initial']);
    assert.deepEqual(strings(probe.properties[0].value), [
      `HEAD ${hc.path} HTTP/1.1`, `Host: ${hc.host ?? b.override_host ?? 'origin.example'}`, ...hc.headers, 'Connection: close', 'User-Agent: lacquer (healthcheck)',
    ]);
  }), RUNS);
});
