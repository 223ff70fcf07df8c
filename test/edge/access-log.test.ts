import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AccessLog, FLUSH_MS } from '../../src/edge/access-log.ts';

function capture(level = 'info'): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
  const logger = pino({ level, base: { pop: 'ams' } }, stream).child({ component: 'edge' });
  return { logger, lines };
}

const entry = {
  service: 'svc"1', backend: 'F_origin', method: 'GET', url: '/a?q="x"\n', status: 503, reason: 'first byte timeout',
  bytes: 27, cache: 'MISS', ms: 15.2, connectMs: 0.41, firstByteMs: null,
} as const;

test('an access-log line is the JSON pino would write, with the logger\'s bindings and every field', () => {
  const { logger, lines } = capture();
  const log = new AccessLog(logger);
  log.write(entry);
  log.flush();
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith('\n'));
  const line = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.equal(typeof line.time, 'number');
  delete line.time;
  assert.deepEqual(line, { level: 30, pop: 'ams', component: 'edge', ...entry, msg: 'request' });
});

test('a hit\'s line (no reason, no backend timings) and a line in a later millisecond are whole JSON too', async () => {
  const { logger, lines } = capture();
  const log = new AccessLog(logger);
  const hit = { ...entry, url: '/a', status: 200, reason: null, cache: 'HIT', ms: 0.05, connectMs: null, firstByteMs: null };
  log.write(hit);
  await new Promise((r) => setTimeout(r, 3));
  log.write({ ...hit, status: 304 });
  log.flush();
  const parsed = lines.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed.length, 2);
  assert.ok((parsed[1].time as number) > (parsed[0].time as number));
  for (const [i, status] of [200, 304].entries()) {
    delete parsed[i].time;
    assert.deepEqual(parsed[i], { level: 30, pop: 'ams', component: 'edge', ...hit, status, msg: 'request' });
  }
});

test('no access-log line when the logger is above info', () => {
  const { logger, lines } = capture('warn');
  const log = new AccessLog(logger);
  log.write(entry);
  log.flush();
  assert.deepEqual(lines, []);
});

test('lines written close together reach the stream as one write, in order, within FLUSH_MS', async () => {
  const { logger, lines } = capture();
  const log = new AccessLog(logger);
  log.write({ ...entry, url: '/1' });
  log.write({ ...entry, url: '/2' });
  await new Promise((r) => setImmediate(r));
  log.write({ ...entry, url: '/3' });
  assert.equal(lines.length, 0, 'nothing is written before the batch is due');
  await new Promise((r) => setTimeout(r, FLUSH_MS + 20));
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0].trimEnd().split('\n').map((l) => (JSON.parse(l) as { url: string }).url), ['/1', '/2', '/3']);
});
