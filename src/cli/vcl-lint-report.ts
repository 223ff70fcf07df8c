// What `lacquer vcl lint` reports: each file parsed with its includes and checked, every
// diagnostic as `file:line:col severity code message` followed by the offending line and a
// caret under the column. Loaded only when `vcl lint` runs (the VCL front end is big).
import { readFileSync } from 'node:fs';
import { formatDiagnostic, parseSnippet, parseWithIncludes, type Diagnostic, type SourceFile, check } from '../vcl/index.ts';

export interface LintReport {
  readonly diagnostics: Diagnostic[];
  /** Each file read, by the name its diagnostics carry. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** Files that could not be read at all. */
  readonly unreadable: readonly string[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Lints files as independent programs (each with its includes); `fragment` takes the names a
 * file does not declare as declared elsewhere in its service (src/vcl/check/external.ts).
 */
export function lintFiles(files: readonly string[], opts: { readonly fragment?: boolean } = {}): LintReport {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  const unreadable: string[] = [];
  for (const file of files) {
    const text = readText(file);
    if (text === undefined) { unreadable.push(file); continue; }
    // A fragment may be a snippet's bare statements (src/vcl/syntax/snippet.ts).
    const snippet = opts.fragment === true ? parseSnippet(text, file) : null;
    if (snippet !== null) {
      sources.set(file, snippet.source);
      diagnostics.push(...snippet.diagnostics, ...check(snippet, { fragment: true }));
      continue;
    }
    const program = parseWithIncludes(file, readText);
    for (const f of program.files) sources.set(f.name, f.source);
    diagnostics.push(...program.diagnostics, ...check(program, { fragment: opts.fragment === true }));
  }
  return { diagnostics, sources, unreadable };
}

/** The source line of a diagnostic and a caret under its column (tabs kept so it lines up). */
export function caretLines(d: Diagnostic, source: SourceFile | undefined): string[] {
  if (source === undefined) return [];
  const line = source.lineText(d.line);
  const pad = line.slice(0, d.col - 1).replace(/[^\t]/g, ' ');
  const width = d.end > d.start && source.position(d.end).line === d.line ? Math.max(1, d.end - d.start) : 1;
  return [`  ${line}`, `  ${pad}${'^'.repeat(Math.min(width, Math.max(1, line.length - d.col + 1)))}`];
}

export function formatReport(report: LintReport): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) lines.push(formatDiagnostic(d), ...caretLines(d, report.sources.get(d.file)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
