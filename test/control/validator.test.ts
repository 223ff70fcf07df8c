import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whereWritten } from '../../src/control/validator.ts';

const at = (file: string, line: number) => ({ code: 'var/unknown', severity: 'error' as const, file, line, col: 5, message: 'm' });

test('a diagnostic of the main file moves to the upload\'s line, or to generated.vcl on a line lacquer wrote', () => {
  const mainLines = [0, 0, 1, 2, 0, 0, 3];
  assert.deepEqual(whereWritten(at('main', 4), 'main', mainLines), at('main', 2));
  assert.deepEqual(whereWritten(at('main', 7), 'main', mainLines), at('main', 3));
  assert.deepEqual(whereWritten(at('main', 5), 'main', mainLines), at('generated.vcl', 5));
  // Another file (an included upload) and VCL whose origin is not known are left as they are.
  assert.deepEqual(whereWritten(at('lib', 4), 'main', mainLines), at('lib', 4));
  assert.deepEqual(whereWritten(at('main', 4), 'main', null), at('main', 4));
});
