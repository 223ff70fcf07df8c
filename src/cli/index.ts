// Builds the `lacquer` command tree. Each noun lives in src/cli/commands/<noun>.ts and
// registers itself on the program; this file only lists them.
import { Command, CommanderError } from 'commander';
import { registerBackend } from './commands/backend.ts';
import { registerVclObjects } from './commands/vcl-objects.ts';
import { registerDirector } from './commands/director.ts';
import { registerDomain } from './commands/domain.ts';
import { registerHealth } from './commands/health.ts';
import { registerHealthcheck } from './commands/healthcheck.ts';
import { registerPurge } from './commands/purge.ts';
import { registerServe } from './commands/serve.ts';
import { registerService } from './commands/service.ts';
import { registerSettings } from './commands/settings.ts';
import { registerToken } from './commands/token.ts';
import { registerTls } from './commands/tls.ts';
import { registerVcl } from './commands/vcl.ts';
import { registerVclCustom } from './commands/vcl-custom.ts';
import { registerVclLint } from './commands/vcl-lint.ts';
import { registerVersion } from './commands/version.ts';
import { registerAcl, registerDictionary } from './commands/dictionary.ts';
import { registerAclEntry, registerDictionaryEntry } from './commands/live-entries.ts';
import { registerVclSnippet } from './commands/vcl-snippet.ts';
import { EXIT } from './errors.ts';

export function buildProgram(): Command {
  const program = new Command('lacquer')
    .description('lacquer: a self-hosted CDN edge with a Fastly-compatible control plane')
    .version('0.1.0')
    // Program options only before the noun, so `lacquer backend list --version 2` is the
    // backend's --version (as in the Fastly CLI), not the program's.
    .enablePositionalOptions()
    .exitOverride();
  registerServe(program);
  registerVcl(program);
  registerVclLint(program);
  registerService(program);
  registerVersion(program);
  registerBackend(program);
  registerHealthcheck(program);
  registerDirector(program);
  registerDomain(program);
  registerVclCustom(program);
  registerSettings(program);
  registerVclObjects(program);
  registerToken(program);
  registerHealth(program);
  registerPurge(program);
  registerTls(program);
  registerDictionary(program);
  registerDictionaryEntry(program);
  registerAcl(program);
  registerAclEntry(program);
  registerVclSnippet(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code (2 for a command line commander refused). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
}
