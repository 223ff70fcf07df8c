import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AccessLog } from '../../src/edge/access-log.ts';
import { logStream } from '../../src/process/logger.ts';

test('pino\'s lines and the access log\'s batches reach the log file in the order written, as UTF-8', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lacquer-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'out.log');
  const fd = openSync(file, 'w');
  t.after(() => closeSync(fd));
  const stream = logStream(fd);
  const logger = pino({ base: { pop: 'ams' } }, stream);
  const accessLog = new AccessLog(logger);
  const request = { service: 's1', backend: null, method: 'GET', status: 200, reason: null, bytes: 3, cache: 'HIT', ms: 0.05, connectMs: null, firstByteMs: null };

  logger.info('café before ✓');
  accessLog.write({ ...request, url: '/a' });
  accessLog.write({ ...request, url: '/b?q=€' });
  accessLog.flush();
  logger.info({ emoji: '😀' }, 'after');
  stream.flushSync();

  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => [l.msg, l.url ?? l.emoji ?? null]), [
    ['café before ✓', null], ['request', '/a'], ['request', '/b?q=€'], ['after', '😀'],
  ]);
});
