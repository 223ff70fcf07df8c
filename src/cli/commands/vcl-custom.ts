// `lacquer vcl create|list|describe|update|delete`: custom VCL files of a service version
// (https://www.fastly.com/documentation/reference/api/vcl-services/vcl/), the Fastly CLI's
// `fastly vcl custom …`. They join the `vcl` command that `vcl fmt` and `vcl lint` live on;
// `--main` makes the file the main one (its `#FASTLY recv` lines get the generated code).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { FieldFlag } from '../fields.ts';
import type { Options } from '../command.ts';
import { registerResourceVerbs } from '../resource.ts';

const VCL_FIELDS: readonly FieldFlag[] = [
  { field: 'content', description: 'the VCL source (or use --file)' },
  { field: 'main', type: 'bool', description: 'make this the main VCL file' },
];

/** `--file PATH` becomes `content`; giving both is ambiguous. */
function withFileContent(form: Record<string, string>, opts: Options): Record<string, string> {
  if (typeof opts.file !== 'string') return form;
  if (form.content !== undefined) throw new UsageError('give the VCL with --content or --file, not both');
  try {
    return { ...form, content: readFileSync(opts.file, 'utf8') };
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as Error).message}`);
  }
}

function lineCount(content: unknown): number | null {
  if (typeof content !== 'string') return null;
  return content === '' ? 0 : content.replace(/\n$/, '').split('\n').length;
}

export function registerVclCustom(program: Command): Command {
  const noun = program.commands.find((c) => c.name() === 'vcl') ?? program.command('vcl').description('Fastly-dialect VCL: files of a service version, and local tools');
  return registerResourceVerbs(noun, {
    kind: 'vcl',
    fields: VCL_FIELDS,
    columns: [
      { header: 'NAME', value: 'name' },
      { header: 'MAIN', value: 'main' },
      { header: 'LINES', value: (v) => lineCount(v.content) },
    ],
    extraOptions: (cmd) => cmd.option('--file <path>', 'read the VCL source from a file'),
    prepare: withFileContent,
  });
}
