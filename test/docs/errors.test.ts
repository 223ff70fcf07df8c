// docs/errors.md and the code agree (STYLE.md: one catalogue, with a test that code and docs
// agree): every reason in EDGE_ERRORS and every X-Cache value has its section, with a cause
// and what to do, and the doc names no synthetic answer the edge does not give.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CacheState } from '../../src/edge/context.ts';
import { EDGE_ERRORS } from '../../src/edge/errors.ts';
import { CACHE_OUTCOMES, type CacheOutcome } from '../../src/edge/stats.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/errors.md'), 'utf8');
// The request path writes its own answers in the pipeline and its fetch step.
const PIPELINE = ['pipeline.ts', 'fetch.ts'].map((f) => readFileSync(join(import.meta.dirname, '../../src/edge', f), 'utf8')).join('\n');

// The X-Cache list below is the one the edge uses: tsc fails here if CacheState changes.
const sameOutcomes: [CacheState] extends [CacheOutcome] ? ([CacheOutcome] extends [CacheState] ? true : false) : false = true;

/** `### \`…\`` headings, each with the text up to the next heading. */
function sections(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of DOC.matchAll(/^### `([^`]+)`\n([\s\S]*?)(?=^#{2,3} |(?![\s\S]))/gm)) out.set(m[1], m[2]);
  return out;
}

test('every reason in EDGE_ERRORS has a section "STATUS reason" with a cause and what to do', () => {
  const doc = sections();
  for (const [code, e] of Object.entries(EDGE_ERRORS)) {
    const body = doc.get(`${e.status} ${e.reason}`);
    assert.notEqual(body, undefined, `${code}: docs/errors.md has no section \`${e.status} ${e.reason}\``);
    assert.match(body ?? '', /\*\*Cause\*\*: \S/, `${code}: no cause`);
    assert.match(body ?? '', /\*\*What to do\*\*: \S/, `${code}: nothing to do`);
    // Directors may try another member exactly for the retryable reasons.
    assert.equal((body ?? '').includes('*Retried.*'), e.retryable, `${code}: "*Retried.*" must match retryable=${e.retryable}`);
  }
});

test('every X-Cache value has a section with a cause and what to do', () => {
  assert.equal(sameOutcomes, true);
  const doc = sections();
  for (const value of CACHE_OUTCOMES) {
    const body = doc.get(`X-Cache: ${value}`);
    assert.notEqual(body, undefined, `docs/errors.md has no section \`X-Cache: ${value}\``);
    assert.match(body ?? '', /\*\*Cause\*\*: \S[\s\S]*\*\*What to do\*\*: \S/);
  }
});

test('every status documented is one the edge gives: a catalogue reason or one the pipeline writes itself', () => {
  const catalogue = new Set(Object.values(EDGE_ERRORS).map((e) => `${e.status} ${e.reason}`));
  for (const heading of sections().keys()) {
    if (heading.startsWith('X-Cache: ')) {
      assert.ok((CACHE_OUTCOMES as readonly string[]).includes(heading.slice(9)), heading);
      continue;
    }
    const m = /^(\d{3}) (.+)$/.exec(heading);
    assert.ok(m !== null, `unexpected heading ${heading}`);
    if (catalogue.has(heading)) continue;
    // Answers outside the catalogue are written by the pipeline with status and reason together.
    assert.ok(PIPELINE.includes(`${m[1]}, '${m[2]}'`), `${heading} is neither in EDGE_ERRORS nor written by src/edge/pipeline.ts or fetch.ts`);
  }
});
