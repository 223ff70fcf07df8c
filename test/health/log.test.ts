import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { backendHealthLine, logProbe } from '../../src/health/log.ts';
import { createHealthState, recordProbe } from '../../src/health/state.ts';
import { probeDef, result } from './fixtures.ts';

test('the Backend_health line has Varnish\'s fields and formats', () => {
  const s0 = createHealthState(probeDef(), 0);
  const t = recordProbe(s0, result(['4', 'X', 'R', 'H'], { rttMs: 1.5, response: 'HTTP/1.1 200 OK' }));
  assert.equal(backendHealthLine('F_origin', t.state, t.changed),
    'Backend_health - F_origin Went healthy 4---X-RH 3 3 8 0.001500 0.000500 "HTTP/1.1 200 OK"');
  const t2 = recordProbe(t.state, result(['4', 'X', 'r'], { rttMs: 0, response: 'Poll error 110 (Connection timed out)' }));
  assert.equal(backendHealthLine('F_origin', t2.state, t2.changed),
    'Backend_health - F_origin Still healthy 4---Xr-- 3 3 8 0.000000 0.000500 "Poll error 110 (Connection timed out)"');
});

function capture(level: string): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

test('flips are logged at info with service, backend and pop, without the probe identity; steady probes only at debug', () => {
  const { logger, lines } = capture('info');
  const ctx = { service: 'svc1', backend: 'F_origin', pop: 'ams', identity: 'id1' };
  const went = recordProbe(createHealthState(probeDef(), 0), result());
  logProbe(logger, ctx, went.state, went.changed);
  const still = recordProbe(went.state, result());
  logProbe(logger, ctx, still.state, still.changed);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].level, 30);
  assert.equal(lines[0].msg, 'Backend_health - F_origin Went healthy 4---X-RH 3 3 8 0.001000 0.000333 "HTTP/1.1 200 OK"');
  assert.deepEqual(Object.keys(lines[0]).filter((k) => !['level', 'time', 'pid', 'hostname', 'msg'].includes(k)), ['pop', 'service', 'backend', 'healthy', 'sick', 'good']);
  assert.deepEqual([lines[0].service, lines[0].backend, lines[0].pop, lines[0].healthy], ['svc1', 'F_origin', 'ams', true]);

  const debug = capture('debug');
  logProbe(debug.logger, ctx, still.state, still.changed);
  assert.equal(debug.lines.length, 1);
  assert.equal(debug.lines[0].level, 20);
  assert.match(String(debug.lines[0].msg), /^Backend_health - F_origin Still healthy /);
});
