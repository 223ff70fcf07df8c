// `lacquer service create|list|describe|update|delete`
// (https://www.fastly.com/documentation/reference/api/services/service/). Creating a service
// also creates its version 1, editable; `delete --force` deactivates the active version first,
// as `fastly service delete --force` does.
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run } from '../command.ts';
import { addFieldOptions, formFromOptions, isEmpty, type FieldFlag } from '../fields.ts';
import { renderList, type ApiObject, type Column } from '../output.ts';
import { UsageError } from '../errors.ts';

const SERVICE_FIELDS: readonly FieldFlag[] = [
  { field: 'comment', description: 'a descriptive note' },
  { field: 'type', description: 'service type (only vcl)' },
];

type Version = { number: number; active: boolean; locked: boolean };

function latest(s: ApiObject): number | null {
  const versions = (s.versions as Version[] | undefined) ?? [];
  return versions.length === 0 ? null : Math.max(...versions.map((v) => v.number));
}

const SERVICE_COLUMNS: readonly Column[] = [
  { header: 'ID', value: 'id' },
  { header: 'NAME', value: 'name' },
  { header: 'TYPE', value: 'type' },
  { header: 'ACTIVE_VERSION', value: 'version' },
  { header: 'LATEST_VERSION', value: latest },
  { header: 'COMMENT', value: 'comment' },
];

export const VERSION_COLUMNS: readonly Column[] = [
  { header: 'NUMBER', value: 'number' },
  { header: 'ACTIVE', value: 'active' },
  { header: 'LOCKED', value: 'locked' },
  { header: 'COMMENT', value: 'comment' },
  { header: 'UPDATED_AT', value: 'updated_at' },
];

export function registerService(program: Command): Command {
  const noun = program.command('service').description('manage services');

  const create = addFieldOptions(apiCommand(noun, 'create', 'create a service (and its version 1)')
    .requiredOption('-n, --name <name>', 'service name'), SERVICE_FIELDS);
  run(create, async (ctx) => {
    const created = await ctx.client.post<ApiObject>('/service', { form: { name: String(ctx.opts.name), ...formFromOptions(ctx.opts, SERVICE_FIELDS) } });
    ctx.out.done(`Created service ${String(created.id)} (${String(created.name)})`, created);
  });

  run(apiCommand(noun, 'list', 'list services'), async (ctx) => {
    ctx.out.list(await ctx.client.get<ApiObject[]>('/service'), SERVICE_COLUMNS);
  });

  run(apiCommand(noun, 'describe', 'show a service and its versions', { service: true }), async (ctx) => {
    const service = await ctx.client.get<ApiObject>(apiPath('service', await ctx.serviceId()));
    ctx.out.record(service);
    ctx.out.text(`versions:\n${renderList((service.versions as ApiObject[] | undefined) ?? [], VERSION_COLUMNS).replace(/^(?=.)/gm, '  ')}`);
  });

  const update = addFieldOptions(apiCommand(noun, 'update', 'rename a service or change its comment', { service: true })
    .option('-n, --name <name>', 'new service name'), SERVICE_FIELDS.filter((f) => f.field !== 'type'));
  run(update, async (ctx) => {
    const form = formFromOptions(ctx.opts, SERVICE_FIELDS.filter((f) => f.field !== 'type'));
    if (typeof ctx.opts.name === 'string') form.name = ctx.opts.name;
    if (isEmpty(form)) throw new UsageError('nothing to update: give --name or --comment');
    const updated = await ctx.client.put<ApiObject>(apiPath('service', await ctx.serviceId()), { form });
    ctx.out.done(`Updated service ${String(updated.id)} (${String(updated.name)})`, updated);
  });

  const del = apiCommand(noun, 'delete', 'delete a service', { service: true })
    .option('-f, --force', 'deactivate the active version first');
  run(del, async (ctx) => {
    const sid = await ctx.serviceId();
    if (ctx.opts.force === true) {
      const service = await ctx.client.get<ApiObject>(apiPath('service', sid));
      const active = ((service.versions as Version[] | undefined) ?? []).find((v) => v.active);
      if (active !== undefined) {
        await ctx.client.put(apiPath('service', sid, 'version', active.number, 'deactivate'));
        ctx.out.notice(`Deactivated version ${active.number} of service ${sid} (--force).`);
      }
    }
    ctx.out.done(`Deleted service ${sid}`, await ctx.client.delete(apiPath('service', sid)));
  });
  return noun;
}
