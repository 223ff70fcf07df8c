// docs/vcl.md's "Regular expressions" example runs as the section says it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BACKEND, compileVcl, makeContext } from '../helpers/context.ts';

const doc = readFileSync(new URL('../../../docs/vcl.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Regular expressions'), doc.indexOf('## Includes'));
const example = /```vcl\n([\s\S]*?)```/.exec(section)![1];
const loggedLine = /a line such as `([^`]*)`/.exec(section)![1].replace(/\s+/g, ' ');

test('the regular expressions example in docs/vcl.md behaves as documented', () => {
  const s = compileVcl(BACKEND + example);
  const ctx = makeContext({ headers: { 'X-Tags': `${'tag, '.repeat(2_000)}!` } });
  assert.equal(s.run('recv', ctx), 'error');
  assert.equal(ctx.req.http.get('x-verdict'), 'not a list');
  assert.equal(ctx.req.http.get('x-checked'), null);
  assert.deepEqual([ctx.obj?.status, ctx.obj?.response, ctx.fastlyError], [503, 'Regex match limit exceeded', 'EREGRECUR']);
  assert.deepEqual(ctx.logs, [loggedLine]);
  assert.equal(s.run('error', ctx), 'deliver');
  assert.equal(ctx.obj?.http.get('retry-after'), '0');
});
