// A line diff of two texts (custom VCL before and after) as hunks of numbered lines, the way
// `diff -u` shows them: changed lines with three lines of context around them. The diff itself
// is jsdiff's (Myers' algorithm); this only numbers its lines for the page. Pure.
import { structuredPatch } from 'diff';

export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
  /** Line number in the old text (null for an added line). */
  readonly oldLine: number | null;
  /** Line number in the new text (null for a removed line). */
  readonly newLine: number | null;
}

export interface Hunk {
  readonly oldStart: number;
  readonly newStart: number;
  readonly lines: readonly DiffLine[];
}

/** Past this many changed lines the diff is not worked out (a page must stay bounded). */
export const MAX_EDIT_LENGTH = 5000;

/** The hunks that turn `before` into `after`; null when they differ in more than MAX_EDIT_LENGTH lines. */
export function lineDiff(before: string, after: string, context = 3): Hunk[] | null {
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, { context, maxEditLength: MAX_EDIT_LENGTH });
  if (patch === undefined) return null;
  return patch.hunks.map((h) => {
    let oldNo = h.oldStart;
    let newNo = h.newStart;
    const lines: DiffLine[] = [];
    for (const line of h.lines) {
      const mark = line[0];
      const text = line.slice(1);
      // "\ No newline at end of file" describes the line before it; the page does not show it.
      if (mark === '\\') continue;
      if (mark === '+') lines.push({ kind: 'added', text, oldLine: null, newLine: newNo++ });
      else if (mark === '-') lines.push({ kind: 'removed', text, oldLine: oldNo++, newLine: null });
      else lines.push({ kind: 'same', text, oldLine: oldNo++, newLine: newNo++ });
    }
    return { oldStart: h.oldStart, newStart: h.newStart, lines };
  });
}
