import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flatString } from '../../src/edge/flat-string.ts';

test('a flat copy has the same characters, latin1 and beyond', () => {
  for (const text of ['', 'HTTP/1.1 200 OK\r\n', `${'a'.repeat(20)}${'b'.repeat(20)}é\u00ff`, '{"url":"/caf\u00e9/\u65e5\u672c","x":"\\ud800"}', 'emoji \u{1f600}']) {
    assert.equal(flatString(text), text);
  }
});
