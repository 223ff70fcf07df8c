// `lacquer dictionary-entry …` and `lacquer acl-entry …`: versionless items and entries, which
// reach the edge without an activation (docs/api.md). Verbs and flags as the Fastly CLI's
// (`fastly dictionary-entry create --dictionary-id … --key … --value …`,
// `fastly service acl-entry create --acl-id … --ip … --subnet … --negated`); `update --file`
// sends a batch (`{"items": […]}` or `{"entries": […]}`) as one all-or-nothing request.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run, type Options } from '../command.ts';
import { UsageError } from '../errors.ts';
import type { ApiObject } from '../output.ts';

function str(opts: Options, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

function need(opts: Options, key: string, flag: string): string {
  const v = str(opts, key);
  if (v === undefined || v === '') throw new UsageError(`${flag} is required`);
  return v;
}

function batchFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--file ${path}: ${(err as Error).message}`);
  }
}

export function registerDictionaryEntry(program: Command): Command {
  const noun = program.command('dictionary-entry').description('manage a dictionary\'s items; changes reach the edge without an activation');
  const base = (sid: string, opts: Options): string => apiPath('service', sid, 'dictionary', need(opts, 'dictionaryId', '--dictionary-id'));
  const cmd = (verb: string, description: string): Command =>
    apiCommand(noun, verb, description, { service: true }).requiredOption('--dictionary-id <id>', 'the dictionary\'s id');

  run(cmd('create', 'add an item').requiredOption('--key <key>', 'item key').requiredOption('--value <value>', 'item value'), async (ctx) => {
    const sid = await ctx.serviceId();
    const item = await ctx.client.post<ApiObject>(`${base(sid, ctx.opts)}/item`, { form: { item_key: need(ctx.opts, 'key', '--key'), item_value: String(ctx.opts.value) } });
    ctx.out.done(`Created item '${String(item.item_key)}'`, item);
  });
  run(cmd('list', 'list the items (none for a write-only dictionary)'), async (ctx) => {
    const sid = await ctx.serviceId();
    ctx.out.list(await ctx.client.get<ApiObject[]>(`${base(sid, ctx.opts)}/items?per_page=1000`), [
      { header: 'KEY', value: 'item_key' }, { header: 'VALUE', value: 'item_value' },
    ]);
  });
  run(cmd('describe', 'show one item').requiredOption('--key <key>', 'item key'), async (ctx) => {
    const sid = await ctx.serviceId();
    ctx.out.record(await ctx.client.get<ApiObject>(`${base(sid, ctx.opts)}/item/${encodeURIComponent(need(ctx.opts, 'key', '--key'))}`));
  });
  run(cmd('update', 'create or change an item (--key, --value), or apply a batch file (--file)')
    .option('--key <key>', 'item key').option('--value <value>', 'item value')
    .option('--file <path>', 'a JSON batch: {"items":[{"op":"create|update|upsert|delete","item_key":…,"item_value":…}]}'), async (ctx) => {
    const sid = await ctx.serviceId();
    const file = str(ctx.opts, 'file');
    if (file !== undefined) {
      const answer = await ctx.client.request<ApiObject>('PATCH', `${base(sid, ctx.opts)}/items`, { json: batchFile(file) });
      ctx.out.done('Applied the batch', answer);
      return;
    }
    const key = need(ctx.opts, 'key', '--key (or --file)');
    const item = await ctx.client.put<ApiObject>(`${base(sid, ctx.opts)}/item/${encodeURIComponent(key)}`, { form: { item_value: need(ctx.opts, 'value', '--value') } });
    ctx.out.done(`Updated item '${String(item.item_key)}'`, item);
  });
  run(cmd('delete', 'remove an item').requiredOption('--key <key>', 'item key'), async (ctx) => {
    const sid = await ctx.serviceId();
    const key = need(ctx.opts, 'key', '--key');
    ctx.out.done(`Deleted item '${key}'`, await ctx.client.delete(`${base(sid, ctx.opts)}/item/${encodeURIComponent(key)}`));
  });
  return noun;
}

export function registerAclEntry(program: Command): Command {
  const noun = program.command('acl-entry').description('manage an ACL\'s entries; changes reach the edge without an activation');
  const base = (sid: string, opts: Options): string => apiPath('service', sid, 'acl', need(opts, 'aclId', '--acl-id'));
  const cmd = (verb: string, description: string): Command =>
    apiCommand(noun, verb, description, { service: true }).requiredOption('--acl-id <id>', 'the ACL\'s id');
  const fields = (c: Command): Command => c
    .option('--ip <address>', 'an IPv4 or IPv6 address').option('--subnet <bits>', 'prefix length applied to the address')
    .option('--negated', 'the entry excludes the addresses it matches').option('--comment <text>', 'a descriptive note');
  const form = (opts: Options): Record<string, string> => {
    const f: Record<string, string> = {};
    for (const k of ['ip', 'subnet', 'comment']) if (str(opts, k) !== undefined) f[k] = String(opts[k]);
    if (opts.negated === true) f.negated = '1';
    return f;
  };
  const columns = [
    { header: 'ID', value: 'id' }, { header: 'IP', value: 'ip' }, { header: 'SUBNET', value: 'subnet' },
    { header: 'NEGATED', value: 'negated' }, { header: 'COMMENT', value: 'comment' },
  ];

  run(fields(cmd('create', 'add an entry')), async (ctx) => {
    const sid = await ctx.serviceId();
    const entry = await ctx.client.post<ApiObject>(`${base(sid, ctx.opts)}/entry`, { form: form(ctx.opts) });
    ctx.out.done(`Created entry ${String(entry.id)} (${String(entry.ip)})`, entry);
  });
  run(cmd('list', 'list the entries'), async (ctx) => {
    const sid = await ctx.serviceId();
    ctx.out.list(await ctx.client.get<ApiObject[]>(`${base(sid, ctx.opts)}/entries?per_page=1000`), columns);
  });
  run(cmd('describe', 'show one entry').requiredOption('--id <id>', 'the entry\'s id'), async (ctx) => {
    const sid = await ctx.serviceId();
    ctx.out.record(await ctx.client.get<ApiObject>(`${base(sid, ctx.opts)}/entry/${encodeURIComponent(need(ctx.opts, 'id', '--id'))}`));
  });
  run(fields(cmd('update', 'change an entry (--id and fields), or apply a batch file (--file)'))
    .option('--id <id>', 'the entry\'s id')
    .option('--file <path>', 'a JSON batch: {"entries":[{"op":"create|update|delete","id":…,"ip":…,"subnet":…,"negated":…}]}'), async (ctx) => {
    const sid = await ctx.serviceId();
    const file = str(ctx.opts, 'file');
    if (file !== undefined) {
      ctx.out.done('Applied the batch', await ctx.client.request<ApiObject>('PATCH', `${base(sid, ctx.opts)}/entries`, { json: batchFile(file) }));
      return;
    }
    const id = need(ctx.opts, 'id', '--id (or --file)');
    const entry = await ctx.client.request<ApiObject>('PATCH', `${base(sid, ctx.opts)}/entry/${encodeURIComponent(id)}`, { form: form(ctx.opts) });
    ctx.out.done(`Updated entry ${String(entry.id)}`, entry);
  });
  run(cmd('delete', 'remove an entry').requiredOption('--id <id>', 'the entry\'s id'), async (ctx) => {
    const sid = await ctx.serviceId();
    const id = need(ctx.opts, 'id', '--id');
    ctx.out.done(`Deleted entry ${id}`, await ctx.client.delete(`${base(sid, ctx.opts)}/entry/${encodeURIComponent(id)}`));
  });
  return noun;
}
