// A source file: its name and text, and the mapping from offsets to line:col.
// Tokens and AST nodes carry only offsets (as esbuild and the TypeScript scanner do);
// line:col is computed here, and only when a diagnostic is made, so the hot path of the
// lexer never counts newlines. The line-start table is built on first use.

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units like the offsets. */
  readonly col: number;
}

export class SourceFile {
  readonly name: string;
  readonly text: string;
  #lineStarts: number[] | null = null;

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
  }

  /** Offsets at which each line begins; index 0 is line 1. */
  get lineStarts(): readonly number[] {
    if (this.#lineStarts === null) {
      const starts = [0];
      const text = this.text;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
      this.#lineStarts = starts;
    }
    return this.#lineStarts;
  }

  /** Line and column of an offset; offsets past the end map to the end of the text. */
  position(offset: number): Position {
    const starts = this.lineStarts;
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - starts[lo] + 1 };
  }

  /** The text of a 1-based line without its line terminator (for carets under messages). */
  lineText(line: number): string {
    const starts = this.lineStarts;
    if (line < 1 || line > starts.length) return '';
    const begin = starts[line - 1];
    let end = line < starts.length ? starts[line] : this.text.length;
    while (end > begin && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(begin, end);
  }
}
