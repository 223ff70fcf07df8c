import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupVariable, VARIABLES } from '../../src/vcl/language/variables.ts';
import { lookupFunction, arity, FUNCTIONS } from '../../src/vcl/language/functions.ts';
import { isAssignable } from '../../src/vcl/language/types.ts';
import { phaseOfSub } from '../../src/vcl/language/subroutines.ts';

test('a header variable matches its family and keeps the header name and subfield apart', () => {
  const m = lookupVariable('req.http.Cookie:session');
  assert.equal(m?.spec.name, 'req.http.*');
  assert.equal(m?.param, 'Cookie');
  assert.equal(m?.subfield, 'session');
  assert.equal(m?.spec.type, 'HEADER');
  assert.equal(m?.spec.unset, true);
});

test('exact names win over families and patterns capture their parameter', () => {
  assert.equal(lookupVariable('req.backend.healthy')?.spec.name, 'req.backend.healthy');
  assert.deepEqual(
    [lookupVariable('backend.F_origin.healthy')?.spec.name, lookupVariable('backend.F_origin.healthy')?.param],
    ['backend.{name}.healthy', 'F_origin'],
  );
  assert.equal(lookupVariable('re.group.3')?.param, '3');
  assert.equal(lookupVariable('re.group.x'), null);
  assert.equal(lookupVariable('client.geo.country_code')?.spec.runtime, false);
});

test('unknown names are null; names are case-sensitive', () => {
  assert.equal(lookupVariable('req.nonsense'), null);
  assert.equal(lookupVariable('REQ.URL'), null);
  assert.equal(lookupVariable('req.http.'), null);
});

test('every variable docs/vcl.md lists as run by lacquer is marked runtime', () => {
  const run = ['req.url', 'req.method', 'req.proto', 'req.http.X', 'req.backend', 'req.backend.healthy', 'req.restarts',
    'req.hash', 'client.ip', 'client.identity', 'server.hostname', 'server.identity', 'server.ip', 'server.port',
    'server.region', 'server.datacenter', 'bereq.url', 'bereq.method', 'bereq.http.X', 'beresp.status',
    'beresp.response', 'beresp.http.X', 'beresp.ttl', 'beresp.grace', 'beresp.stale_if_error',
    'beresp.stale_while_revalidate', 'beresp.cacheable', 'obj.status', 'obj.response', 'obj.http.X', 'obj.ttl',
    'obj.hits', 'obj.age', 'resp.status', 'resp.response', 'resp.http.X', 'var.x', 're.group.1', 'backend.b.healthy',
    'now', 'time.elapsed', 'fastly.error', 'req.is_ipv6', 'fastly_info.state',
    // Run too, because the compiler binds them cheaply:
    'req.url.path', 'req.url.qs', 'bereq.proto',
    // Fastly's serve-stale VCL tests it before return(deliver_stale)
    // (https://www.fastly.com/documentation/reference/vcl/variables/cache-object/stale-exists/).
    'stale.exists'];
  for (const name of run) assert.equal(lookupVariable(name)?.spec.runtime, true, name);
  assert.equal(VARIABLES.filter((x) => x.runtime).length, run.length + 1, 'plus the req.request alias');
});

test('phase permissions follow Fastly: beresp only in fetch, bereq set in miss and pass, resp set in deliver', () => {
  assert.deepEqual(lookupVariable('beresp.ttl')?.spec.write, ['fetch']);
  assert.deepEqual(lookupVariable('bereq.url')?.spec.write, ['miss', 'pass']);
  assert.deepEqual(lookupVariable('bereq.url')?.spec.read, ['miss', 'pass', 'fetch']);
  assert.deepEqual(lookupVariable('resp.status')?.spec.write, ['deliver']);
  assert.deepEqual(lookupVariable('client.ip')?.spec.write, []);
});

test('function signatures give arity and types; exactly the functions docs/vcl.md lists run', () => {
  assert.deepEqual(arity(lookupFunction('std.itoa')!), { min: 1, max: 2 });
  assert.equal(lookupFunction('std.strlen')?.returns, 'INTEGER');
  assert.equal(lookupFunction('table.lookup')?.args[0].type, 'TABLE');
  assert.equal(lookupFunction('nope'), null);
  assert.deepEqual(FUNCTIONS.filter((x) => x.runtime).map((x) => x.name).sort(), [
    'addr.is_ipv6', 'digest.base64', 'digest.base64_decode', 'digest.hash_md5', 'digest.hash_sha1', 'digest.hash_sha256',
    'http_status_matches',
    'querystring.get', 'querystring.remove', 'querystring.set', 'querystring.sort', 'randombool', 'regsub', 'regsuball',
    'std.atoi', 'std.itoa', 'std.prefixof', 'std.replace', 'std.replaceall', 'std.strlen', 'std.strstr', 'std.suffixof',
    'std.tolower', 'std.toupper', 'subfield', 'table.contains', 'table.lookup', 'urldecode', 'urlencode',
  ]);
});

test('assignability: anything becomes a STRING, numbers interconvert, a STRING never becomes a number', () => {
  assert.equal(isAssignable('STRING', 'INTEGER'), true);
  assert.equal(isAssignable('RTIME', 'INTEGER'), true);
  assert.equal(isAssignable('INTEGER', 'STRING'), false);
  assert.equal(isAssignable('BACKEND', 'STRING'), false);
  assert.equal(isAssignable('IP', 'STRING', true), true);
  assert.equal(phaseOfSub('vcl_fetch'), 'fetch');
  assert.equal(phaseOfSub('my_sub'), null);
});
