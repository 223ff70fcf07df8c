// `lacquer vcl snippet create|list|describe|update|delete`: VCL snippets of a service version
// (https://www.fastly.com/documentation/reference/cli/vcl/snippet/). As the Fastly CLI's,
// `update --dynamic --snippet-id ID --content …` and `describe --dynamic --snippet-id ID`
// act on a dynamic snippet's live content, which changes without a new version.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run, type Options } from '../command.ts';
import { UsageError } from '../errors.ts';
import { addFieldOptions, formFromOptions, isEmpty, type FieldFlag } from '../fields.ts';
import type { ApiObject } from '../output.ts';

const FIELDS: readonly FieldFlag[] = [
  { field: 'type', description: 'where it goes: init, recv, hash, hit, miss, pass, fetch, error, deliver, log or none' },
  { field: 'content', description: 'the VCL, or @PATH to read it from a file' },
  { field: 'priority', description: 'lower runs first (default 100)' },
];

/** The form from the flags: `--content @file` reads the file; `--dynamic` makes it dynamic. */
function snippetForm(opts: Options): Record<string, string> {
  const form = formFromOptions(opts, FIELDS);
  if (form.content?.startsWith('@') === true) {
    const path = form.content.slice(1);
    try {
      form.content = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`--content ${form.content}: ${(err as Error).message}`);
    }
  }
  return form;
}

export function registerVclSnippet(program: Command): Command {
  const vcl = program.commands.find((c) => c.name() === 'vcl') ?? program.command('vcl').description('Fastly-dialect VCL');
  const noun = vcl.command('snippet').description('manage VCL snippets of a service version; dynamic ones change live');
  const collection = (sid: string, v: number): string => apiPath('service', sid, 'version', v, 'snippet');
  const columns = [
    { header: 'NAME', value: 'name' }, { header: 'TYPE', value: 'type' }, { header: 'PRIORITY', value: 'priority' },
    { header: 'DYNAMIC', value: 'dynamic' }, { header: 'ID', value: 'id' },
  ];

  const create = addFieldOptions(apiCommand(noun, 'create', 'create a snippet', { service: true, version: 'write' }), FIELDS)
    .requiredOption('-n, --name <name>', 'snippet name').option('--dynamic', 'its content changes live, without a new version');
  run(create, async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.editableVersion(sid);
    const form = { name: String(ctx.opts.name), ...snippetForm(ctx.opts), dynamic: ctx.opts.dynamic === true ? '1' : '0' };
    const made = await ctx.client.post<ApiObject>(collection(sid, v), { form });
    ctx.out.done(`Created ${form.dynamic === '1' ? 'dynamic ' : ''}snippet '${String(made.name)}' (id ${String(made.id)}) in version ${v} of service ${sid}`, made);
  });

  run(apiCommand(noun, 'list', 'list the snippets of a version', { service: true, version: 'read' }), async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.version(sid);
    ctx.out.list(await ctx.client.get<ApiObject[]>(collection(sid, v.number)), columns);
  });

  const describe = apiCommand(noun, 'describe', 'show a snippet (with --dynamic, a dynamic snippet\'s live content)', { service: true, version: 'read' })
    .option('-n, --name <name>', 'snippet name').option('--dynamic', 'read the live content').option('--snippet-id <id>', 'the dynamic snippet\'s id');
  run(describe, async (ctx) => {
    const sid = await ctx.serviceId();
    if (ctx.opts.dynamic === true) {
      const id = typeof ctx.opts.snippetId === 'string' ? ctx.opts.snippetId : null;
      if (id === null) throw new UsageError('--dynamic needs --snippet-id');
      ctx.out.record(await ctx.client.get<ApiObject>(apiPath('service', sid, 'snippet', id)));
      return;
    }
    if (typeof ctx.opts.name !== 'string') throw new UsageError('give --name (or --dynamic --snippet-id)');
    const v = await ctx.version(sid);
    ctx.out.record(await ctx.client.get<ApiObject>(apiPath('service', sid, 'version', v.number, 'snippet', ctx.opts.name)));
  });

  const update = addFieldOptions(apiCommand(noun, 'update', 'change a snippet (with --dynamic --snippet-id, its live content)', { service: true, version: 'write' }), FIELDS)
    .option('-n, --name <name>', 'snippet name').option('--new-name <name>', 'rename the snippet')
    .option('--dynamic', 'change a dynamic snippet\'s live content').option('--snippet-id <id>', 'the dynamic snippet\'s id');
  run(update, async (ctx) => {
    const sid = await ctx.serviceId();
    const form = snippetForm(ctx.opts);
    if (ctx.opts.dynamic === true) {
      const id = typeof ctx.opts.snippetId === 'string' ? ctx.opts.snippetId : null;
      if (id === null || form.content === undefined) throw new UsageError('--dynamic needs --snippet-id and --content');
      const answer = await ctx.client.put<ApiObject>(apiPath('service', sid, 'snippet', id), { form: { content: form.content } });
      ctx.out.done(`Updated the live content of snippet '${String(answer.name)}' (no activation needed)`, answer);
      return;
    }
    if (typeof ctx.opts.name !== 'string') throw new UsageError('give --name (or --dynamic --snippet-id)');
    if (typeof ctx.opts.newName === 'string') form.name = ctx.opts.newName;
    if (isEmpty(form)) throw new UsageError('nothing to update: give at least one of --type, --content, --priority, --new-name');
    const v = await ctx.editableVersion(sid);
    const updated = await ctx.client.put<ApiObject>(apiPath('service', sid, 'version', v, 'snippet', ctx.opts.name), { form });
    ctx.out.done(`Updated snippet '${String(updated.name)}' in version ${v} of service ${sid}`, updated);
  });

  const del = apiCommand(noun, 'delete', 'delete a snippet', { service: true, version: 'write' }).requiredOption('-n, --name <name>', 'snippet name');
  run(del, async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.editableVersion(sid);
    const name = String(ctx.opts.name);
    ctx.out.done(`Deleted snippet '${name}' from version ${v} of service ${sid}`, await ctx.client.delete(apiPath('service', sid, 'version', v, 'snippet', name)));
  });
  return noun;
}
