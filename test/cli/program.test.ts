import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/index.ts';

test('the program lists the serve command', () => {
  const names = buildProgram().commands.map((c) => c.name());
  assert.ok(names.includes('serve'), `commands: ${names.join(', ')}`);
});
