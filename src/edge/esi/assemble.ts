// Assembling an ESI page while it streams: template bytes go out as they arrive; at an include
// the fragment is fetched (a subrequest through the whole pipeline, Includer), and its body is
// sent in place before the rest of the template — one include at a time, in document order, as
// Fastly does ("ESI tags are processed sequentially, not concurrently", esi statement page).
// Backpressure runs end to end: Readable.from pulls the generator only as fast as the client
// reads, and the generator pulls the template and each fragment only as fast as that.
//
// Which fragment is used (W3C ESI 1.0 §3.1, as Fastly supports it):
//   src succeeds ─▶ its body
//   src fails, alt given ─▶ alt's body if it succeeds
//   both fail ─▶ onerror="continue": nothing; otherwise the failed response's body, as Fastly
//                splices whatever a child request answered into the page
// A fragment "fails" when its status is not 2xx, or when its body is compressed by the origin
// (it cannot be spliced into the page's text). An include refused by the bounds (depth, count:
// Includer) is left out.
import { Buffer } from 'node:buffer';
import { PassThrough, Readable } from 'node:stream';
import { EsiTokenizer, type EsiEvent } from './tokenizer.ts';

export interface Fragment {
  /** 2xx and uncompressed: the body is what the include stands for. */
  readonly ok: boolean;
  /** The fragment's body; null when there is none to splice (refused, or compressed). */
  readonly body: Readable | null;
}

export interface Includer {
  /** Fetches `src` (relative to the page's URL, or absolute); null when the bounds refuse it. */
  include(src: string): Promise<Fragment | null>;
}

/**
 * The assembled page. The template is taken at once (piped, in this tick): it may be an upstream
 * body the cache copier reads too, whose flow starts with the copier's listener, and a reader
 * that only began when the page is first read would miss what flowed past before.
 */
export function assemble(template: Readable, includer: Includer): Readable {
  const input = new PassThrough();
  template.once('error', (err) => input.destroy(err));
  template.pipe(input);
  const page = Readable.from(run(input, includer), { objectMode: false });
  page.once('close', () => { if (!input.readableEnded) template.destroy(); });
  return page;
}

async function* run(template: Readable, includer: Includer): AsyncGenerator<Buffer> {
  const tokenizer = new EsiTokenizer();
  for await (const chunk of template) {
    for (const event of tokenizer.push(toBuffer(chunk))) yield* emit(event, includer);
  }
  for (const event of tokenizer.end()) yield* emit(event, includer);
}

async function* emit(event: EsiEvent, includer: Includer): AsyncGenerator<Buffer> {
  if (event.kind === 'text') {
    yield event.bytes;
    return;
  }
  let fragment = await includer.include(event.src);
  if (fragment !== null && !fragment.ok && event.alt !== null) {
    fragment.body?.destroy();
    fragment = (await includer.include(event.alt)) ?? fragment;
  }
  if (fragment === null || fragment.body === null) return;
  if (!fragment.ok && event.continueOnError) {
    fragment.body.destroy();
    return;
  }
  for await (const chunk of fragment.body) yield toBuffer(chunk);
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}
