import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CertificateTable } from '../../../src/edge/tls/index.ts';
import { makeCa, material } from '../../support/certificates.ts';

test('a name gets its exact certificate first, then a wildcard covering exactly one label, else none', (t) => {
  const ca = makeCa(t);
  const exact = ca.leaf(['www.example.test']);
  const wild = ca.leaf(['*.example.test']);
  const table = new CertificateTable();
  table.replace(material(1, [['www.example.test', exact], ['*.example.test', wild]]));
  assert.equal(table.certificateFor('www.example.test'), exact.id);
  assert.equal(table.certificateFor('img.example.test'), wild.id);
  assert.equal(table.certificateFor('example.test'), null, 'a wildcard does not cover its parent');
  assert.equal(table.certificateFor('a.img.example.test'), null, 'a wildcard covers one label only (RFC 6125 §6.4.3)');
  assert.equal(table.certificateFor('www.example.other'), null);
  assert.equal(table.lookup('www.example.test') !== null, true);
  assert.equal(table.lookup('nothing.test'), null);
});

test('activation domains match whatever their case or trailing dot', (t) => {
  const ca = makeCa(t);
  const leaf = ca.leaf(['www.example.test']);
  const table = new CertificateTable();
  table.replace(material(1, [['WWW.Example.Test.', leaf]]));
  assert.equal(table.certificateFor('www.example.test'), leaf.id);
});

test('a new generation replaces the whole table; an older one arriving late is ignored', (t) => {
  const ca = makeCa(t);
  const a = ca.leaf(['a.example.test']);
  const b = ca.leaf(['b.example.test']);
  const table = new CertificateTable();
  assert.equal(table.replace(material(2, [['a.example.test', a]])).applied, true);
  assert.equal(table.replace(material(1, [['b.example.test', b]])).applied, false);
  assert.equal(table.certificateFor('a.example.test'), a.id);
  assert.equal(table.certificateFor('b.example.test'), null);
  assert.equal(table.replace(material(3, [['b.example.test', b]])).applied, true);
  assert.equal(table.certificateFor('a.example.test'), null, 'a domain no longer active has no certificate');
  assert.equal(table.certificateFor('b.example.test'), b.id);
  assert.equal(table.generation, 3);
});

test('a certificate whose key does not match is left out and reported; the other domains serve', (t) => {
  const ca = makeCa(t);
  const good = ca.leaf(['good.example.test']);
  const other = ca.leaf(['bad.example.test']);
  const mismatched = { ...other, keyPem: good.keyPem };
  const table = new CertificateTable();
  const { applied, problems } = table.replace(material(1, [['good.example.test', good], ['bad.example.test', mismatched]]));
  assert.equal(applied, true);
  assert.deepEqual(problems.map((p) => [p.domain, p.certificateId]), [['bad.example.test', other.id]]);
  assert.match(problems[0].message, /key values mismatch/);
  assert.equal(table.certificateFor('good.example.test'), good.id);
  assert.equal(table.certificateFor('bad.example.test'), null);
});
