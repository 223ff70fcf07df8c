import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { backend, director, healthcheck, parseRecord, settings, vcl, type RecordOf, type ResourceBase } from '../../src/model/api/index.ts';
import { backendVclName, expandMacros, generateVcl, type VersionConfig } from '../../src/model/generate.ts';
import { build as B, vclValidator } from '../../src/vcl/index.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

function rec<R extends ResourceBase>(resource: R, body: Record<string, unknown>): RecordOf<R> {
  const r = parseRecord(resource, body, null);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.record;
}

function config(parts: Partial<VersionConfig>): VersionConfig {
  return { serviceId: 'SVC', version: 3, backends: [], healthchecks: [], directors: [], vcls: [], settings: rec(settings, {}), ...parts };
}

test('backend VCL names are F_ plus the name with non-alphanumerics as _', () => {
  assert.equal(backendVclName('origin 1/a-b.c'), 'F_origin_1_a_b_c');
});

test('golden: backends with probe, dummy probe, director and auto-load-balance director', () => {
  const out = generateVcl(config({
    backends: [
      rec(backend, {
        name: 'origin 1', address: 'origin.example.com', port: 443, override_host: 'www.example.com', healthcheck: 'hc',
        ssl_cert_hostname: 'origin.example.com', first_byte_timeout: 1500, auto_loadbalance: true,
      }),
      rec(backend, { name: 'b2', address: '192.0.2.10', share_key: 'pool', auto_loadbalance: 1, weight: 50 }),
    ],
    healthchecks: [rec(healthcheck, { name: 'hc', headers: '["X-Probe: 1"]', check_interval: 60000 })],
    directors: [{ ...rec(director, { name: 'dir-1', type: 3 }), backends: ['b2'] }],
  }));
  assert.deepEqual(out.problems, []);
  assert.equal(out.files.length, 1);
  assert.equal(out.files[0].name, 'generated.vcl');
  assert.equal(out.files[0].main, true);
  assert.equal(out.files[0].content, readFileSync(join(GOLDEN, 'full.vcl'), 'utf8'));
});

test('golden: custom main VCL gets declarations prepended and #FASTLY macros expanded', () => {
  const main = 'sub vcl_recv {\n#FASTLY recv\n  return(lookup);\n}\n\nsub vcl_fetch {\n  #FASTLY fetch\n  return(deliver);\n}\n';
  const out = generateVcl(config({
    backends: [rec(backend, { name: 'a', address: 'a.example', use_ssl: true, ssl_check_cert: false, min_tls_version: '1.2', keepalive_time: 30000 })],
    vcls: [rec(vcl, { name: 'main', content: main, main: true }), rec(vcl, { name: 'lib', content: 'sub helper { }\n' })],
    settings: rec(settings, { 'general.default_ttl': 60, 'general.stale_if_error': false }),
  }));
  assert.deepEqual(out.problems, []);
  assert.deepEqual(out.files.map((f) => [f.name, f.main]), [['main', true], ['lib', false]]);
  assert.equal(out.files[0].content, readFileSync(join(GOLDEN, 'custom.vcl'), 'utf8'));
  assert.equal(out.files[1].content, 'sub helper { }\n');
  // Each line of the main file that came from the upload says which line it was; the others are lacquer's.
  const generated = out.files[0].content.split('\n');
  const uploaded = main.split('\n');
  assert.equal(out.mainLines?.length, generated.length);
  out.mainLines?.forEach((from, i) => { if (from > 0) assert.equal(generated[i], uploaded[from - 1], `line ${i + 1}`); });
  assert.deepEqual(out.mainLines?.filter((n) => n > 0), [1, 3, 4, 5, 6, 8, 9, 10]);
});

test('a backend with a missing healthcheck, an empty director and custom VCL without main are problems', () => {
  const out = generateVcl(config({
    backends: [rec(backend, { name: 'a', address: 'a.example', healthcheck: 'nope' })],
    directors: [rec(director, { name: 'd' })],
    vcls: [rec(vcl, { name: 'x', content: '# lib\n' })],
  }));
  assert.deepEqual(out.problems.map((p) => p.code), ['unknown-healthcheck', 'empty-director', 'no-main-vcl']);
  assert.equal(out.problems[0].message, 'backend "a" uses healthcheck "nope", which does not exist in this version');
});

test('custom probe headers replace the default Host, Connection and User-Agent lines', () => {
  const out = generateVcl(config({
    backends: [rec(backend, { name: 'a', address: 'a.example', healthcheck: 'h' })],
    healthchecks: [rec(healthcheck, { name: 'h', method: 'get', path: '/health', http_version: '1.0', host: 'probe.example', headers: 'User-Agent: mine,Connection: keep-alive' })],
  }));
  assert.match(out.files[0].content, /\.request = "GET \/health HTTP\/1\.0"\n {6}"Host: probe\.example"\n {6}"Connection: keep-alive"\n {6}"User-Agent: mine";\n/);
});

test('only #FASTLY lines naming a phase are expanded, keeping their indentation', () => {
  const out = expandMacros('  #FASTLY deliver\n#FASTLY nothing\n', { recv: [], hash: [], hit: [], miss: [], pass: [], fetch: [], error: [], deliver: [B.set('resp.http.X', B.str('1'))], log: [] });
  assert.equal(out, '  #--FASTLY DELIVER BEGIN\n  set resp.http.X = "1";\n  #--FASTLY DELIVER END\n#FASTLY nothing\n');
});

test('#FASTLY recv declares var.fastly_req_do_shield where custom VCL reads it, and nowhere else', () => {
  const main = 'sub vcl_recv {\n#FASTLY recv\n  if (var.fastly_req_do_shield) { set req.http.X-First = "1"; }\n  return(lookup);\n}\n';
  const backends = [rec(backend, { name: 'a', address: 'a.example' })];
  const out = generateVcl(config({ backends, vcls: [rec(vcl, { name: 'main', content: main, main: true })] }));
  assert.match(out.files[0].content, /\n#--FASTLY RECV BEGIN\ndeclare local var\.fastly_req_do_shield BOOL;\nset var\.fastly_req_do_shield = req\.restarts == 0;\n/);
  assert.deepEqual(vclValidator(out.files).diagnostics.filter((d) => d.severity === 'error'), []);
  // Generated VCL that never names it does not pay for it on every request.
  assert.doesNotMatch(generateVcl(config({ backends })).files[0].content, /fastly_req_do_shield/);
});
