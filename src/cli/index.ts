// Builds the `lacquer` command tree. Each noun lives in src/cli/commands/<noun>.ts and
// registers itself on the program; this file only lists them.
import { Command, CommanderError } from 'commander';
import { registerServe } from './commands/serve.ts';
import { registerVcl } from './commands/vcl.ts';
import { registerVclLint } from './commands/vcl-lint.ts';

export function buildProgram(): Command {
  const program = new Command('lacquer')
    .description('lacquer: a self-hosted CDN edge with a Fastly-compatible control plane')
    .version('0.1.0')
    .exitOverride();
  registerServe(program);
  registerVcl(program);
  registerVclLint(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
