// The VCL generated for the VCL service objects, as text (golden strings), and checked clean by
// the same validator activation runs. Gzip records are built directly: the API refuses them
// until the edge compresses (src/model/vcl-check.ts EDGE_COMPRESSION).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backend, condition, parseRecord, requestSettings, settings, typedRecord, gzip, type RecordOf, type ResourceBase } from '../../src/model/api/index.ts';
import { generateVcl, type VersionConfig } from '../../src/model/generate.ts';
import { gzipStatement } from '../../src/model/generate-objects.ts';
import { printStatements, vclValidator } from '../../src/vcl/index.ts';

function rec<R extends ResourceBase>(resource: R, body: Record<string, unknown>): RecordOf<R> {
  const r = parseRecord(resource, body, null);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.record;
}

function config(parts: Partial<VersionConfig>): VersionConfig {
  return { serviceId: 'SVC', version: 1, backends: [rec(backend, { name: 'o', address: '192.0.2.1' })], healthchecks: [], directors: [], vcls: [], settings: rec(settings, {}), ...parts };
}

test('gzip generates Fastly\'s vcl_fetch rule, its lists escaped as regular expressions', () => {
  const g = typedRecord(gzip, { name: 'g', content_types: 'text/html image/svg+xml', extensions: 'css .js', cache_condition: null });
  assert.equal(printStatements([gzipStatement(g)]).join('\n'), [
    'if ((beresp.status == 200 || beresp.status == 404) && (beresp.http.Content-Type ~ "^(text/html|image/svg\\+xml)\\s*($|;)" || req.url ~ "\\.(css|js)($|\\?)")) {',
    '  if (!(beresp.http.Vary ~ "Accept-Encoding")) {',
    '    if (beresp.http.Vary) {',
    '      set beresp.http.Vary = beresp.http.Vary ", Accept-Encoding";',
    '    } else {',
    '      set beresp.http.Vary = "Accept-Encoding";',
    '    }',
    '  }',
    '  if (req.http.Accept-Encoding ~ "gzip") {',
    '    set beresp.gzip = true;',
    '  }',
    '}',
  ].join('\n'));
  const defaults = printStatements([gzipStatement(typedRecord(gzip, { name: 'd' }))]).join('\n');
  assert.match(defaults, /"\^\(text\/html\|application\/x-javascript\|text\/css\|.*\|text\/xml\)\\s\*\(\$\|;\)"/);
  assert.match(defaults, /"\\\.\(css\|js\|html\|eot\|ico\|otf\|ttf\|json\|svg\)\(\$\|\\\?\)"/);
});

test('request settings: force_ssl redirects from vcl_error, hash_keys make the cache key, and the version checks clean', () => {
  const out = generateVcl(config({
    conditions: [rec(condition, { name: 'c', type: 'REQUEST', statement: 'req.http.Cookie' })],
    requestSettings: [rec(requestSettings, { name: 'rs', force_ssl: true, hash_keys: 'req.url, req.http.Cookie', default_host: 'www.example.com', request_condition: 'c' })],
  }));
  assert.deepEqual(out.problems, []);
  const text = out.files[0].content;
  assert.ok(text.includes([
    '  # Request Settings rs',
    '  if (req.http.Cookie) {',
    '    set req.http.host = "www.example.com";',
    '    if (!req.http.Fastly-SSL) {',
    '      error 801 "Force SSL";',
    '    }',
    '  }',
  ].join('\n')), text);
  assert.ok(text.includes('  if (req.http.Cookie) {\n    set req.hash += req.url;\n    set req.hash += req.http.Cookie;\n    return(hash);\n  }'), text);
  assert.ok(text.includes([
    '  if (obj.status == 801) {',
    '    set obj.status = 301;',
    '    set obj.response = "Moved Permanently";',
    '    set obj.http.Location = "https://" req.http.host req.url;',
    '    synthetic "";',
    '    return(deliver);',
    '  }',
  ].join('\n')), text);
  assert.deepEqual(vclValidator(out.files).diagnostics.filter((d) => d.severity === 'error'), []);
});

test('an object naming a condition the version lacks is a problem, and what it guarded is not generated to run', () => {
  const out = generateVcl(config({ backends: [rec(backend, { name: 'o', address: '192.0.2.1' }), rec(backend, { name: 'b', address: '192.0.2.2', request_condition: 'gone' })] }));
  assert.deepEqual(out.problems, [{ code: 'unknown-condition', message: 'backend "b" uses request_condition "gone", which does not exist in this version' }]);
  assert.ok(out.files[0].content.includes('  if (false) {\n    set req.backend = F_b;\n  }'));
  assert.ok(out.files[0].content.includes('  set req.backend = F_o;'));
});
