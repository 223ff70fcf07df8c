import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupVariable } from '../../../src/vcl/language/variables.ts';
import { lookupFunction, arity } from '../../../src/vcl/language/functions.ts';
import { isAssignable } from '../../../src/vcl/language/types.ts';
import { phaseOfSub } from '../../../src/vcl/language/subroutines.ts';

test('a header variable matches its family and keeps the header name and subfield apart', () => {
  const m = lookupVariable('req.http.Cookie:session');
  assert.equal(m?.spec.name, 'req.http.{header}');
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
  assert.equal(lookupVariable('quic.rtt.latest')?.spec.impl, undefined);
  assert.equal(lookupVariable('var.AWS-Access-Key-ID')?.spec.name, 'var.{local}');
});

test('unknown names are null; names are case-sensitive', () => {
  assert.equal(lookupVariable('req.nonsense'), null);
  assert.equal(lookupVariable('REQ.URL'), null);
  assert.equal(lookupVariable('req.http.'), null);
});

test('phase permissions follow Fastly: beresp only in fetch, bereq in miss, pass and fetch, resp in deliver and log', () => {
  assert.deepEqual(lookupVariable('beresp.ttl')?.spec.write, ['fetch']);
  assert.deepEqual(lookupVariable('bereq.url')?.spec.write, ['miss', 'pass', 'fetch']);
  assert.deepEqual(lookupVariable('bereq.url')?.spec.read, ['miss', 'pass', 'fetch']);
  assert.deepEqual(lookupVariable('resp.status')?.spec.write, ['deliver', 'log']);
  assert.deepEqual(lookupVariable('obj.status')?.spec.write, ['error']);
  assert.deepEqual(lookupVariable('client.ip')?.spec.write, []);
});

test('function signatures give arity and types; a variadic parameter takes any number of arguments', () => {
  assert.deepEqual(arity(lookupFunction('std.itoa')!), { min: 1, max: 2 });
  assert.equal(lookupFunction('std.strlen')?.returns, 'INTEGER');
  assert.equal(lookupFunction('table.lookup')?.args[0].type, 'TABLE');
  assert.equal(lookupFunction('nope'), null);
  assert.deepEqual(arity(lookupFunction('header.filter')!), { min: 1, max: Infinity });
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
