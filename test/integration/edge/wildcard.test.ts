// Wildcard domains through the real edge: `*.example.com` routes one more label to its
// service, an exact domain in another service wins, and the apex is not covered
// (src/edge/service-table.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

test('a wildcard domain is routed to its service through the edge, after exact names', async (t) => {
  const origin = async (name: string) => (await httpOrigin(t, (_req, res) => res.end(name))).port;
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['*.wild.example'], backends: [{ name: 'origin', address: '127.0.0.1', port: await origin('wildcard') }] });
  await lq.createService({ domains: ['www.wild.example'], backends: [{ name: 'origin', address: '127.0.0.1', port: await origin('exact') }] });

  const answer = async (host: string) => {
    const r = await lq.edge(host);
    return `${r.statusLine} ${r.body}`;
  };
  assert.equal(await answer('shop.wild.example'), 'HTTP/1.1 200 OK wildcard');
  assert.equal(await answer('Shop.Wild.Example:8080'), 'HTTP/1.1 200 OK wildcard');
  assert.equal(await answer('www.wild.example'), 'HTTP/1.1 200 OK exact');
  assert.equal(await answer('wild.example'), 'HTTP/1.1 404 Domain Not Found 404 Domain Not Found: no service has the domain "wild.example"\n');
  assert.equal(await answer('a.shop.wild.example'), 'HTTP/1.1 404 Domain Not Found 404 Domain Not Found: no service has the domain "a.shop.wild.example"\n');
});
