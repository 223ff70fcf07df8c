// docs/edge-clients.md and the code agree: every client timeout in its table is a `lacquer serve`
// flag whose help names the same variable and default, the default is the one the edge uses, the
// variable is the one read, and the error the page quotes is the one given.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildProgram } from '../../src/cli/index.ts';
import { CLIENT_TIMEOUT_DEFAULTS, type ClientTimeouts } from '../../src/edge/http1/index.ts';
import { resolveServeOptions } from '../../src/process/options.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/edge-clients.md'), 'utf8');

/** The flag each ClientTimeouts field is set by. */
const FIELDS: Record<string, keyof ClientTimeouts> = {
  '--client-header-timeout': 'headerMs',
  '--client-idle-timeout': 'idleMs',
  '--client-body-timeout': 'bodyMs',
  '--client-body-min-rate': 'bodyMinRate',
};

/** Rows `| \`--flag\` | \`ENV\` | \`default\` | …` of the client-timeout table. */
function rows(): Array<{ flag: string; env: string; dflt: string }> {
  return [...DOC.matchAll(/^\| `(--client-[a-z-]+)` \| `([A-Z_]+)` \| `(\d+)` \|/gm)].map((m) => ({ flag: m[1], env: m[2], dflt: m[3] }));
}

test('the table lists every client timeout once, with the default the edge uses', () => {
  const table = rows();
  assert.deepEqual(table.map((r) => r.flag), Object.keys(FIELDS));
  for (const { flag, dflt } of table) assert.equal(Number(dflt), CLIENT_TIMEOUT_DEFAULTS[FIELDS[flag]], flag);
});

test('each flag\'s help names the table\'s variable and default, and that variable sets it', () => {
  const serve = buildProgram().commands.find((c) => c.name() === 'serve');
  assert.ok(serve !== undefined);
  for (const { flag, env, dflt } of rows()) {
    const option = serve.options.find((o) => o.long === flag);
    assert.ok(option !== undefined, `lacquer serve has no ${flag}`);
    assert.match(option.description, new RegExp(`\\(env ${env}, default ${dflt}\\)$`), flag);
    assert.equal(resolveServeOptions({}, { [env]: '4321' }).clientTimeouts[FIELDS[flag]], 4321, env);
  }
});

test('the error the page quotes is the one lacquer serve gives', () => {
  const quoted = /`(--client-idle-timeout: [^`]+)`/.exec(DOC)?.[1];
  assert.equal(quoted, '--client-idle-timeout: must be between 100 and 3600000, got 0');
  assert.throws(() => resolveServeOptions({ clientIdleTimeout: '0' }, {}), { message: quoted });
});
