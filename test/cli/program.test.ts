import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/index.ts';

test('the program lists the serve command', () => {
  const names = buildProgram().commands.map((c) => c.name());
  assert.ok(names.includes('serve'), `commands: ${names.join(', ')}`);
});

test('the program lists every control-plane noun, and vcl keeps fmt beside the custom-VCL verbs', () => {
  const program = buildProgram();
  const names = program.commands.map((c) => c.name());
  for (const noun of ['service', 'version', 'backend', 'healthcheck', 'director', 'domain', 'vcl', 'settings', 'token']) {
    assert.ok(names.includes(noun), `missing ${noun} in ${names.join(', ')}`);
  }
  const verbs = (noun: string): string[] => (program.commands.find((c) => c.name() === noun)?.commands ?? []).map((c) => c.name());
  assert.deepEqual(verbs('backend'), ['create', 'list', 'describe', 'update', 'delete']);
  assert.deepEqual(verbs('director'), ['create', 'list', 'describe', 'update', 'delete', 'add-backend', 'remove-backend']);
  assert.deepEqual(verbs('version'), ['list', 'clone', 'activate', 'deactivate', 'lock']);
  assert.deepEqual(verbs('vcl').filter((v) => v !== 'lint' && v !== 'snippet'), ['fmt', 'create', 'list', 'describe', 'update', 'delete']);
  for (const noun of ['dictionary', 'acl']) assert.deepEqual(verbs(noun), ['create', 'list', 'describe', 'update', 'delete']);
  for (const noun of ['dictionary-entry', 'acl-entry']) assert.deepEqual(verbs(noun), ['create', 'list', 'describe', 'update', 'delete']);
  const snippet = program.commands.find((c) => c.name() === 'vcl')?.commands.find((c) => c.name() === 'snippet');
  assert.deepEqual(snippet?.commands.map((c) => c.name()), ['create', 'list', 'describe', 'update', 'delete']);
});
