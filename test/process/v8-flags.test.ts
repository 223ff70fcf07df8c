import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SERVE_V8_FLAGS, workerExecArgv } from '../../src/process/v8-flags.ts';

const REGEX = ['--enable-experimental-regexp-engine', '--enable-experimental-regexp-engine-on-excessive-backtracks'];

test('workers get the serving V8 flags after the primary\'s own execArgv, each once', () => {
  assert.deepEqual(SERVE_V8_FLAGS, ['--no-allocation-site-pretenuring', '--external-memory-accounted-in-global-limit', ...REGEX]);
  assert.deepEqual(workerExecArgv(['--inspect=0']), ['--inspect=0', '--no-allocation-site-pretenuring', '--external-memory-accounted-in-global-limit', ...REGEX]);
  assert.deepEqual(workerExecArgv(['--no-allocation-site-pretenuring']), ['--no-allocation-site-pretenuring', '--external-memory-accounted-in-global-limit', ...REGEX]);
});

test('a process started with the serving flags answers a catastrophic RegExp in linear time', () => {
  // Without the fallback to the linear engine this match takes hours; the child is killed
  // after 20 s, which fails the assertion on its output.
  const child = spawnSync(process.execPath, [...workerExecArgv([]), '-e', `
    const m = /^(a+)+$/.exec('a'.repeat(5000) + '!');
    const n = /(a|a)*c|z/.exec('a'.repeat(60) + 'z');
    process.stdout.write(JSON.stringify([m, n && [...n, n.index]]));
  `], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.stdout, JSON.stringify([null, ['z', null, 60]]));
});
