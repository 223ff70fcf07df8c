// `lacquer vcl lint FILE…`: parses each file with its includes, checks the
// program, and prints every diagnostic as `file:line:col severity code message` followed by
// the offending line and a caret under the column. `--json` prints the diagnostics as a JSON
// array instead. Exits 1 when any diagnostic is an error, 2 when a file cannot be read.
//
// Each file is checked as a fragment of a service by default: a custom VCL file or snippet
// uses backends, dictionaries, ACLs and subroutines that other files or the API declare, and
// Fastly checks an uploaded file against the rest of its service, so those names are info, not
// errors (src/vcl/check/external.ts). `--strict` checks each file as a complete service, as
// activation does.
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
    .option('--strict', 'check each file as a complete service: a name it does not declare is an error, as at activation')
    .action(async (files: string[], options: { json?: boolean; strict?: boolean }) => {
      const { lintFiles, formatReport } = await import('../vcl-lint-report.ts');
      const report = lintFiles(files, { fragment: options.strict !== true });
      for (const file of report.unreadable) console.error(`lacquer vcl lint: cannot read ${file}`);
      if (options.json === true) process.stdout.write(`${JSON.stringify(report.diagnostics, null, 2)}\n`);
      else process.stdout.write(formatReport(report));
      const failed = report.diagnostics.some((d) => d.severity === 'error');
      process.exitCode = report.unreadable.length > 0 ? 2 : failed ? 1 : 0;
    });
}
