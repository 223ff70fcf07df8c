// The exchange's request head built in one pass over bereq (upstreamRequestHead) against the
// two-step build it replaces — the upstream header rules (headers.ts buildUpstreamHeaders) and
// then the head (requestHead) — on generated requests: the same bytes, or the same refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildUpstreamHeaders, type InHeaders } from '../../../src/edge/headers.ts';
import { requestHead, upstreamRequestHead } from '../../../src/edge/upstream/request-head.ts';
import { backend } from '../helpers.ts';

const NAMES = [
  'host', 'accept', 'user-agent', 'cookie', 'x-forwarded-for', 'true-client-ip', 'fastly-client-ip', 'cdn-loop',
  'connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'proxy-connection', 'expect', 'content-length',
  'x-custom', 'x-other', '1', '42', 'bad name', 'constructor', 'fastly-ff', 'lacquer-fleet',
];
const GOOD = ['', 'a', 'b.test', '192.0.2.9', 'lacquer', '  spaced  ', 'caf\u00e9', 'keep-alive'];
const BAD = ['bad\r\nvalue', '\u2603'];
const one = fc.oneof({ arbitrary: fc.constantFrom(...GOOD), weight: 20 }, { arbitrary: fc.constantFrom(...BAD), weight: 1 });
const value = fc.oneof({ arbitrary: one, weight: 4 }, { arbitrary: fc.array(one, { maxLength: 3 }), weight: 1 });
// A Connection field names other fields (which then go too), or only close / keep-alive.
const connection = fc.array(fc.constantFrom(...NAMES, 'close', 'keep-alive', 'Keep-Alive'), { maxLength: 3 }).map((t) => t.join(', '));
// Plain objects, as the edge's reader and HeaderMap make them; an absent value now and then.
const bereq = fc.tuple(
  fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.option(value, { nil: undefined, freq: 10 })), { selector: ([n]) => n, maxLength: 10 }),
  fc.option(connection, { nil: undefined }),
).map(([entries, conn]) => {
  const fields: Record<string, string | string[] | undefined> = Object.fromEntries(entries);
  if (conn !== undefined) fields['connection'] = conn;
  return fields;
});
const backendOf = fc.record({
  hostHeader: fc.constantFrom(null, 'origin.test', 'bad\nhost'),
  alwaysUseHostHeader: fc.boolean(),
  port: fc.constantFrom(80, 443, 8080),
  ssl: fc.boolean(),
});

// A hop between fleet nodes (src/edge/fleet/hop.ts): inside the POP or leaving it, to a fleet
// node (with the credential) or to the origin.
const hopOf = fc.option(fc.record({
  trueClientIp: fc.constantFrom(null, '198.51.100.4'),
  fastlyFf: fc.constantFrom('h!a!n1', 'h!a!n1, h!b!n2'),
  leavesPop: fc.boolean(),
  credential: fc.constantFrom(null, ['lacquer-fleet', '1.abc'] as const),
}), { nil: undefined });

function outcome(build: () => string): string {
  try {
    return build();
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

test('the one-pass request head is byte for byte the head of the upstream header rules, or the same refusal', () => {
  fc.assert(fc.property(
    bereq, backendOf, fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'BAD METHOD'), fc.constantFrom('/', '/a?b=c', '/bad path'),
    fc.option(fc.nat(20_000), { nil: null }), fc.boolean(), hopOf,
    (fields, b, method, path, bodyLength, keepAlive, hop) => {
      const be = backend(b);
      const ctx = hop === undefined ? { clientIp: '203.0.113.7', cdnId: 'lacquer-test' } : { clientIp: '203.0.113.7', cdnId: 'lacquer-test', hop };
      const headers = fields as InHeaders;
      const twoStep = outcome(() => requestHead(method, path, buildUpstreamHeaders(headers, be, ctx), bodyLength, keepAlive));
      const onePass = outcome(() => upstreamRequestHead(method, path, headers, be, ctx, bodyLength, keepAlive));
      assert.equal(onePass, twoStep);
    },
  ), { numRuns: 3000 });
});

test('the one-pass head puts the edge fields in place of the client\'s and the missing ones after the rest', () => {
  const head = upstreamRequestHead('GET', '/p', {
    host: 'a.test', 'x-forwarded-for': '198.51.100.1', accept: '*/*', 'true-client-ip': '6.6.6.6', connection: 'x-drop', 'x-drop': '1',
  }, backend(), { clientIp: '203.0.113.7', cdnId: 'pop1' }, null, true);
  assert.equal(head, 'GET /p HTTP/1.1\r\nhost: a.test\r\nconnection: keep-alive\r\n' +
    'x-forwarded-for: 198.51.100.1, 203.0.113.7\r\naccept: */*\r\ntrue-client-ip: 203.0.113.7\r\n' +
    'fastly-client-ip: 203.0.113.7\r\ncdn-loop: pop1\r\n\r\n');
});
