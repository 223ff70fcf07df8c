// `lacquer vcl lint FILE…` (issue 2 §6): parses each file with its includes, checks the
// program, and prints every diagnostic as `file:line:col severity code message` followed by
// the offending line and a caret under the column. `--json` prints the diagnostics as a JSON
// array instead. Exits 1 when any diagnostic is an error, 2 when a file cannot be read.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatDiagnostic, parseWithIncludes } from '../../vcl/index.ts';
import type { Diagnostic, SourceFile } from '../../vcl/index.ts';
import { check } from '../../vcl/check.ts';

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

/** Lints files as independent programs (each with its includes). */
export function lintFiles(files: readonly string[]): LintReport {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  const unreadable: string[] = [];
  for (const file of files) {
    if (readText(file) === undefined) { unreadable.push(file); continue; }
    const program = parseWithIncludes(file, readText);
    for (const f of program.files) sources.set(f.name, f.source);
    diagnostics.push(...program.diagnostics, ...check(program));
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

/** Adds `lint` to the `vcl` command, creating `vcl` if `vcl fmt` has not registered it. */
export function registerVclLint(program: Command): void {
  const vcl = program.commands.find((c) => c.name() === 'vcl')
    ?? program.command('vcl').description('format and check Fastly-dialect VCL');
  vcl
    .command('lint')
    .description('check VCL files (includes resolved) and print every diagnostic; exit 1 on any error')
    .argument('<files...>', 'VCL files')
    .option('--json', 'print the diagnostics as JSON')
    .action((files: string[], options: { json?: boolean }) => {
      const report = lintFiles(files);
      for (const file of report.unreadable) console.error(`lacquer vcl lint: cannot read ${file}`);
      if (options.json === true) process.stdout.write(`${JSON.stringify(report.diagnostics, null, 2)}\n`);
      else process.stdout.write(formatReport(report));
      const failed = report.diagnostics.some((d) => d.severity === 'error');
      process.exitCode = report.unreadable.length > 0 ? 2 : failed ? 1 : 0;
    });
}
