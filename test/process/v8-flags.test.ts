import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVE_V8_FLAGS, workerExecArgv } from '../../src/process/v8-flags.ts';

test('workers get the serving V8 flags after the primary\'s own execArgv, each once', () => {
  assert.deepEqual(SERVE_V8_FLAGS, ['--no-allocation-site-pretenuring']);
  assert.deepEqual(workerExecArgv(['--inspect=0']), ['--inspect=0', '--no-allocation-site-pretenuring']);
  assert.deepEqual(workerExecArgv(['--no-allocation-site-pretenuring']), ['--no-allocation-site-pretenuring']);
});
