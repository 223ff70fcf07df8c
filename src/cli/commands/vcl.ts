// `lacquer vcl …`: tools over VCL files. `fmt` prints a file in canonical form
// (src/vcl/syntax/print.ts); `lint` (the checker's CLI) registers on the same `vcl` command.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';

export function registerVcl(program: Command): Command {
  const vcl = program.command('vcl').description('format and check Fastly-dialect VCL');
  vcl
    .command('fmt')
    .description('print FILE in canonical form (2-space indent, comments kept); refuses a file with syntax errors')
    .argument('<file>', 'VCL file')
    .option('-w, --write', 'rewrite FILE in place instead of printing it')
    .action(async (file: string, options: { write?: boolean }) => {
      // Loaded here, not at start-up: every other command starts faster without the VCL front end.
      const { formatDiagnostic, parse, print } = await import('../../vcl/index.ts');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        console.error(`lacquer vcl fmt: cannot read ${file}: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const { ast, diagnostics } = parse(text, file);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        for (const d of errors) console.error(formatDiagnostic(d));
        process.exitCode = 1;
        return;
      }
      const out = print(ast);
      if (options.write === true) {
        if (out !== text) writeFileSync(file, out);
      } else {
        process.stdout.write(out);
      }
    });
  return vcl;
}
