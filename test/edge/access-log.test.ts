import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { AccessLog, FLUSH_MS, type AccessLogEntry } from '../../src/edge/access-log.ts';

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

/** The line JSON.stringify would make of the same fields, after pino's level, time and bindings. */
function expectedLine(time: string, e: AccessLogEntry): string {
  return `{"level":30,"time":${time},"pop":"ams","component":"edge",${JSON.stringify(e).slice(1, -1)},"msg":"request"}\n`;
}

test('every line is exactly what JSON.stringify writes, whatever the strings and numbers', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const number = fc.oneof(
    fc.integer({ min: 0, max: 100_000 }).map((h) => Math.round(h) / 100),
    fc.nat(),
    fc.double(),
    fc.constantFrom(0.1 + 0.2, 1.005, 1e9, 1e21, -0, 2 ** 53),
  );
  const entryArb = fc.record({
    service: text, backend: fc.option(text), method: text, url: text, status: fc.integer({ min: 100, max: 999 }),
    reason: fc.option(text), bytes: fc.nat(), cache: text, ms: number, connectMs: fc.option(number), firstByteMs: fc.option(number),
  });
  fc.assert(fc.property(entryArb, (e) => {
    const { logger, lines } = capture();
    const log = new AccessLog(logger);
    log.write(e);
    log.flush();
    const line = lines.join('');
    const time = /^\{"level":30,"time":(\d+),/.exec(line)?.[1] ?? 'none';
    assert.equal(line, expectedLine(time, e));
  }), { numRuns: 2000 });
});

test('a line longer than a batch\'s chunk is written whole, in its place among the others', () => {
  const { logger, lines } = capture();
  const log = new AccessLog(logger);
  const urls = ['/before', `/${'x'.repeat(200_000)}`, '/after'];
  for (const url of urls) log.write({ ...entry, url });
  log.flush();
  assert.deepEqual(lines.join('').trimEnd().split('\n').map((l) => (JSON.parse(l) as { url: string }).url), urls);
});

test('a stream that keeps the bytes it was given still has every line intact after later batches', () => {
  const kept: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { kept.push(chunk); done(); } });
  const log = new AccessLog(pino({ base: { pop: 'ams' } }, stream));
  const urls: string[] = [];
  for (let i = 0; i < 5000; i++) {
    urls.push(`/object/${i}`);
    log.write({ ...entry, url: `/object/${i}` });
    if (i % 97 === 0) log.flush();
  }
  log.flush();
  assert.ok(kept.length > 50, `${kept.length} batches`);
  const written = Buffer.concat(kept).toString('utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { url: string }).url);
  assert.deepEqual(written, urls);
});
