import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDownstreamHeaders, buildUpstreamHeaders, cdnLoopCount, isLoop, stripHopByHop } from '../../src/edge/headers.ts';
import { backend } from './helpers.ts';

const ctx = { clientIp: '192.0.2.7', cdnId: 'lacquer-local' };

test('True-Client-IP is the socket address even when the client sent one', () => {
  const out = buildUpstreamHeaders({ host: 'a.test', 'true-client-ip': '6.6.6.6' }, backend(), ctx);
  assert.equal(out['true-client-ip'], '192.0.2.7');
});

test('Fastly-Client-IP is the socket address even when the client sent one, and when it sent none', () => {
  assert.equal(buildUpstreamHeaders({ host: 'a.test', 'fastly-client-ip': '6.6.6.6' }, backend(), ctx)['fastly-client-ip'], '192.0.2.7');
  assert.equal(buildUpstreamHeaders({ host: 'a.test' }, backend(), ctx)['fastly-client-ip'], '192.0.2.7');
});

test('X-Forwarded-For gets the client address appended, or starts with it', () => {
  assert.equal(buildUpstreamHeaders({ host: 'a', 'x-forwarded-for': '198.51.100.1' }, backend(), ctx)['x-forwarded-for'], '198.51.100.1, 192.0.2.7');
  assert.equal(buildUpstreamHeaders({ host: 'a', 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] }, backend(), ctx)['x-forwarded-for'], '10.0.0.1, 10.0.0.2, 192.0.2.7');
  assert.equal(buildUpstreamHeaders({ host: 'a' }, backend(), ctx)['x-forwarded-for'], '192.0.2.7');
});

test('CDN-Loop gets this POP appended (RFC 8586)', () => {
  assert.equal(buildUpstreamHeaders({ host: 'a', 'cdn-loop': 'other-cdn' }, backend(), ctx)['cdn-loop'], 'other-cdn, lacquer-local');
  assert.equal(buildUpstreamHeaders({ host: 'a' }, backend(), ctx)['cdn-loop'], 'lacquer-local');
});

test('CDN-Loop counts this POP case-insensitively, ignoring parameters, and a loop is two sightings', () => {
  const once = { 'cdn-loop': 'foo, Lacquer-Local; v=1' };
  const twice = { 'cdn-loop': ['lacquer-local', 'bar, lacquer-local;x=y'] };
  assert.equal(cdnLoopCount(once, 'lacquer-local'), 1);
  assert.equal(isLoop(once, 'lacquer-local'), false);
  assert.equal(cdnLoopCount(twice, 'lacquer-local'), 2);
  assert.equal(isLoop(twice, 'lacquer-local'), true);
  assert.equal(isLoop({}, 'lacquer-local'), false);
});

test('.host_header applies only when the request has no Host', () => {
  const b = backend({ hostHeader: 'origin.example' });
  assert.equal(buildUpstreamHeaders({ host: 'www.example' }, b, ctx)['host'], 'www.example');
  assert.equal(buildUpstreamHeaders({}, b, ctx)['host'], 'origin.example');
});

test('.always_use_host_header replaces the request Host', () => {
  const b = backend({ hostHeader: 'origin.example', alwaysUseHostHeader: true });
  assert.equal(buildUpstreamHeaders({ host: 'www.example' }, b, ctx)['host'], 'origin.example');
});

test('without Host and without .host_header the origin gets the backend address', () => {
  assert.equal(buildUpstreamHeaders({}, backend({ host: 'o.test', port: 80 }), ctx)['host'], 'o.test');
  assert.equal(buildUpstreamHeaders({}, backend({ host: 'o.test', port: 8080 }), ctx)['host'], 'o.test:8080');
  assert.equal(buildUpstreamHeaders({}, backend({ host: '::1', port: 443, ssl: true }), ctx)['host'], '[::1]');
});

test('hop-by-hop fields and the fields Connection names are removed (RFC 9110 §7.6.1)', () => {
  const out = stripHopByHop({
    connection: 'close, X-Secret', 'x-secret': '1', 'keep-alive': 'timeout=5', te: 'trailers',
    'transfer-encoding': 'chunked', upgrade: 'h2c', 'proxy-connection': 'keep-alive',
    'x-kept': 'yes', 'set-cookie': ['a=1', 'b=2'],
  });
  assert.deepEqual(out, { 'x-kept': 'yes', 'set-cookie': ['a=1', 'b=2'] });
});

test('upstream and downstream header sets are new objects; the input is untouched', () => {
  const input = { host: 'a', connection: 'keep-alive', 'true-client-ip': 'x' };
  const snapshot = structuredClone(input);
  const up = buildUpstreamHeaders(input, backend(), ctx);
  const down = buildDownstreamHeaders(input);
  assert.deepEqual(input, snapshot);
  assert.notEqual(up, input);
  assert.deepEqual(down, { host: 'a', 'true-client-ip': 'x' });
});
