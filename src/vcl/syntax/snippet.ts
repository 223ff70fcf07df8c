// A VCL snippet's content linted on its own. Fastly stores a snippet of type recv, fetch,
// deliver, … as bare statements that it places inside that subroutine
// (https://www.fastly.com/documentation/guides/full-site-delivery/fastly-vcl/about-vcl-snippets/);
// a file holding one is parsed as the body of the subroutine its name points to (`recv.vcl`,
// `snippet-deliver.vcl`), or of a custom subroutine when the name says none, so only the rules
// that hold in every subroutine apply.
import { isStatementList, parseStatementList } from './parser.ts';
import type { ParseResult } from './parser.ts';

const PHASE_IN_NAME = /(?:^|[^a-z])(recv|hash|hit|miss|pass|fetch|error|deliver|log)(?:[^a-z]|$)/i;

/** The subroutine a snippet file's statements belong to: `vcl_recv` for `recv.vcl`, else `snippet`. */
export function snippetSubroutine(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = PHASE_IN_NAME.exec(base);
  return m === null ? 'snippet' : `vcl_${m[1].toLowerCase()}`;
}

/** The snippet's statements as a subroutine's body, or null when the text is declarations (a whole file). */
export function parseSnippet(text: string, file: string): ParseResult | null {
  return isStatementList(text) ? parseStatementList(text, file, snippetSubroutine(file)) : null;
}
