// The ESI tokenizer, table-driven: a page (cut into chunks at every position, so that no
// decision depends on where the network split the bytes) → the text it keeps and the includes
// it asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { EsiTokenizer, MAX_TAG, type EsiEvent } from '../../../src/edge/esi/index.ts';

/** Text as-is, includes as `[src|alt|continue]`. */
function render(events: readonly EsiEvent[]): string {
  return events.map((e) => (e.kind === 'text' ? e.bytes.toString('latin1') : `[${e.src}${e.alt === null ? '' : `|${e.alt}`}${e.continueOnError ? '|continue' : ''}]`)).join('');
}

function tokenize(page: Buffer, cuts: readonly number[]): string {
  const t = new EsiTokenizer();
  const events: EsiEvent[] = [];
  let at = 0;
  for (const cut of [...cuts, page.length]) {
    events.push(...t.push(page.subarray(at, cut)));
    at = cut;
  }
  events.push(...t.end());
  return render(events);
}

function expectEsi(input: string, output: string): void {
  const page = Buffer.from(input, 'latin1');
  assert.equal(tokenize(page, []), output, `whole: ${input}`);
  for (let cut = 1; cut < page.length; cut++) assert.equal(tokenize(page, [cut]), output, `cut at ${cut}: ${input}`);
  assert.equal(tokenize(page, Array.from({ length: page.length - 1 }, (_, i) => i + 1)), output, `byte by byte: ${input}`);
}

test('include, in its empty-element and start/end forms, with alt and onerror', () => {
  expectEsi('a<esi:include src="/x"/>b', 'a[/x]b');
  expectEsi('a<esi:include src="/x" />b', 'a[/x]b');
  expectEsi("<esi:include src='/x' alt='/y' onerror='continue'/>", '[/x|/y|continue]');
  expectEsi('<esi:include src=/x></esi:include>!', '[/x]!');
  expectEsi('<esi:include\n  src="/a?b=1&amp;c=2"\n/>', '[/a?b=1&c=2]');
  expectEsi('<esi:include src="https://other.example/f"/>', '[https://other.example/f]');
});

test('remove, comment and the <!--esi --> wrapper', () => {
  expectEsi('a<esi:remove>gone <esi:include src="/no"/></esi:remove>b', 'ab');
  expectEsi('a<esi:remove>x</esi:remove  >b', 'ab');
  expectEsi('a<esi:comment text="note"/>b', 'ab');
  expectEsi('a<!--esi <esi:include src="/x"/> kept -->b', 'a[/x] kept b');
  expectEsi('<!-- plain comment --><!--esilike-->', '<!-- plain comment --><!--esilike-->');
});

test('malformed markup: unterminated tags are text, an unterminated remove removes to the end, unknown esi elements are text', () => {
  expectEsi('a<esi:include src="/x"', 'a<esi:include src="/x"');
  expectEsi('a<esi:remove>never closed', 'a');
  expectEsi('a</esi:remove>b', 'ab');
  expectEsi('<esi:include/>x', 'x');
  expectEsi('<esi:include src=""/>x', 'x');
  expectEsi('<esi:vars>$(HTTP_HOST)</esi:vars>', '<esi:vars>$(HTTP_HOST)</esi:vars>');
  expectEsi('<esi:include src="/x" bad attr/>', '<esi:include src="/x" bad attr/>');
  expectEsi('<esi:includex src="/x"/>', '<esi:includex src="/x"/>');
  expectEsi('a <b> <es <esi', 'a <b> <es <esi');
  expectEsi('<!--esi never closed <esi:include src="/x"/>', ' never closed [/x]'.slice(1));
});

test('a tag longer than MAX_TAG is text, and its bytes are not held back', () => {
  const long = `<esi:include src="/${'a'.repeat(MAX_TAG)}"/>`;
  const t = new EsiTokenizer();
  assert.equal(render(t.push(Buffer.from(long, 'latin1'))), long);
  assert.equal(render(t.end()), '');
});

test('bytes that are not ESI markup pass through unchanged, UTF-8 included', () => {
  const page = Buffer.from('<p>héllo → <esi:include src="/fr/été"/> ✓</p>', 'utf8');
  const t = new EsiTokenizer();
  const events = [...t.push(page), ...t.end()];
  assert.deepEqual(events.map((e) => (e.kind === 'text' ? e.bytes.toString('utf8') : e.src)), ['<p>héllo → ', '/fr/été', ' ✓</p>']);
});
