// `lacquer vcl lint FILE…`: parses each file with its includes, checks the
// program, and prints every diagnostic as `file:line:col severity code message` followed by
// the offending line and a caret under the column. `--json` prints the diagnostics as a JSON
// array instead. Exits 1 when any diagnostic is an error, 2 when a file cannot be read.
import type { Command } from 'commander';

/** Adds `lint` to the `vcl` command, creating `vcl` if `vcl fmt` has not registered it. */
export function registerVclLint(program: Command): void {
  const vcl = program.commands.find((c) => c.name() === 'vcl')
    ?? program.command('vcl').description('format and check Fastly-dialect VCL');
  vcl
    .command('lint')
    .description('check VCL files (includes resolved) and print every diagnostic; exit 1 on any error')
    .argument('<files...>', 'VCL files')
    .option('--json', 'print the diagnostics as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const { lintFiles, formatReport } = await import('../vcl-lint-report.ts');
      const report = lintFiles(files);
      for (const file of report.unreadable) console.error(`lacquer vcl lint: cannot read ${file}`);
      if (options.json === true) process.stdout.write(`${JSON.stringify(report.diagnostics, null, 2)}\n`);
      else process.stdout.write(formatReport(report));
      const failed = report.diagnostics.some((d) => d.severity === 'error');
      process.exitCode = report.unreadable.length > 0 ? 2 : failed ? 1 : 0;
    });
}
