// Activation under load (DESIGN.md §4.4): requests keep flowing while new versions are activated;
// none fails, requests started on a version finish on it, and traffic moves to the new origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

const HOST = 'live.example';
const CLIENTS = 8;
const MAX_REQUESTS = 3000;

function get(agent: http.Agent, port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { host: HOST } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${res.statusMessage ?? ''} ${body}`));
      res.on('error', (err) => resolve(`client error ${err.message}`));
    });
    req.on('error', (err) => resolve(`client error ${err.message}`));
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

test('activating versions under concurrent load fails no request and moves traffic to the new origin', async (t) => {
  // Each origin answers a little later than at once, so activations land while requests are in flight.
  const origin = async (name: string) => (await httpOrigin(t, (_req, res) => {
    setTimeout(() => res.end(name), 2);
  })).port;
  const ports = { blue: await origin('blue'), green: await origin('green') };
  const lq = await startEdgeStack(t);
  const sid = await lq.createService({ domains: [HOST], backends: [{ name: 'origin', address: '127.0.0.1', port: ports.blue }] });

  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  t.after(() => agent.destroy());
  const outcomes = new Map<string, number>();
  let sent = 0;
  let stop = false;
  const client = async (): Promise<void> => {
    while (!stop && sent < MAX_REQUESTS) {
      sent++;
      const o = await get(agent, lq.edgePort, `/r/${sent}`);
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
  };
  const load = Promise.all(Array.from({ length: CLIENTS }, client));

  let version = 1;
  const sequence = ['green', 'blue', 'green', 'blue', 'green'] as const;
  for (const colour of sequence) {
    await new Promise((r) => setTimeout(r, 40));
    const clone = await lq.apiOk('PUT', `/service/${sid}/version/${version}/clone`) as { number: number };
    version = clone.number;
    await lq.apiOk('PUT', `/service/${sid}/version/${version}/backend/origin`, { port: ports[colour] });
    await lq.activate(sid, version);
  }
  // After the last activation every new request goes to the last origin.
  const afterwards = await Promise.all(Array.from({ length: 20 }, () => get(agent, lq.edgePort, '/after')));
  stop = true;
  await load;

  const failed = [...outcomes].filter(([o]) => !/^200 OK (blue|green)$/.test(o));
  assert.deepEqual(failed, [], 'no request failed during activations');
  assert.ok((outcomes.get('200 OK blue') ?? 0) > 0 && (outcomes.get('200 OK green') ?? 0) > 0, `both origins served: ${JSON.stringify([...outcomes])}`);
  assert.deepEqual(new Set(afterwards), new Set(['200 OK green']));
  assert.equal(version, 1 + sequence.length);
});
