// The five verbs every version-scoped object has (backend, healthcheck, director, domain,
// custom VCL), over the five routes the control API gives each (docs/api.md):
//   create   POST   /service/{sid}/version/{v}/{kind}
//   list     GET    /service/{sid}/version/{v}/{kind}
//   describe GET    /service/{sid}/version/{v}/{kind}/{name}
//   update   PUT    /service/{sid}/version/{v}/{kind}/{name}
//   delete   DELETE /service/{sid}/version/{v}/{kind}/{name}
// Verb and flag names follow the Fastly CLI (`fastly service backend create --name …`).
import type { Command } from 'commander';
import { apiPath, type ApiClient, type FormBody } from './api-client.ts';
import { apiCommand, run, type Options } from './command.ts';
import { UsageError } from './errors.ts';
import { addFieldOptions, formFromOptions, isEmpty, type FieldFlag } from './fields.ts';
import { checkObjectEdit } from './preflight.ts';
import type { ApiObject, Column } from './output.ts';

export interface ResourceSpec {
  /** The path after the version (`backend`, `logging/syslog`) and the word used in messages. */
  readonly kind: string;
  readonly fields: readonly FieldFlag[];
  /** The columns of `list`. */
  readonly columns: readonly Column[];
  /** Columns `list` adds after reading more of the version (the backend list marks the default). */
  readonly extraColumns?: (client: ApiClient, sid: string, version: number) => Promise<readonly Column[]>;
  /** Extra flags that are not API fields (`vcl --file`). */
  readonly extraOptions?: (cmd: Command) => void;
  /** Turns what was typed into what is sent (director type names, `--file` contents). */
  readonly prepare?: (form: Record<string, string>, opts: Options) => FormBody;
}

function where(sid: string, version: number): string {
  return `version ${version} of service ${sid}`;
}

export function registerResourceVerbs(noun: Command, spec: ResourceSpec): Command {
  const { kind } = spec;
  const collection = (sid: string, v: number): string => apiPath('service', sid, 'version', v, ...kind.split('/'));
  const item = (sid: string, v: number, name: string): string => apiPath('service', sid, 'version', v, ...kind.split('/'), name);
  const body = (opts: Options): FormBody => {
    const form = formFromOptions(opts, spec.fields);
    return spec.prepare === undefined ? form : spec.prepare(form, opts);
  };
  const withFlags = (cmd: Command): Command => {
    addFieldOptions(cmd, spec.fields);
    spec.extraOptions?.(cmd);
    return cmd;
  };

  const create = withFlags(apiCommand(noun, 'create', `create a ${kind} in a service version`, { service: true, version: 'write' })
    .requiredOption('-n, --name <name>', `${kind} name`));
  run(create, async (ctx) => {
    const sid = await ctx.serviceId();
    const name = String(ctx.opts.name);
    const form = body(ctx.opts);
    const v = await ctx.editableVersion(sid, (source) => checkObjectEdit(ctx.client, sid, source, kind, { verb: 'create', name, form }));
    const created = await ctx.client.post<ApiObject>(collection(sid, v), { form: { name, ...form } });
    ctx.out.done(`Created ${kind} '${String(created.name)}' in ${where(sid, v)}`, created);
  });

  run(apiCommand(noun, 'list', `list the ${kind}s of a service version`, { service: true, version: 'read' }), async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.version(sid);
    const rows = await ctx.client.get<ApiObject[]>(collection(sid, v.number));
    const extra = spec.extraColumns === undefined || ctx.out.json ? [] : await spec.extraColumns(ctx.client, sid, v.number);
    ctx.out.list(rows, [...spec.columns, ...extra]);
  });

  const describe = apiCommand(noun, 'describe', `show one ${kind} of a service version`, { service: true, version: 'read' })
    .requiredOption('-n, --name <name>', `${kind} name`);
  run(describe, async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.version(sid);
    ctx.out.record(await ctx.client.get<ApiObject>(item(sid, v.number, String(ctx.opts.name))));
  });

  const update = withFlags(apiCommand(noun, 'update', `change a ${kind} in a service version`, { service: true, version: 'write' })
    .requiredOption('-n, --name <name>', `${kind} name`)
    .option('--new-name <name>', `rename the ${kind}`));
  run(update, async (ctx) => {
    const form: Record<string, string> = { ...body(ctx.opts) };
    if (typeof ctx.opts.newName === 'string') form.name = ctx.opts.newName;
    if (isEmpty(form)) throw new UsageError(`nothing to update: give at least one field flag (see lacquer ${kind} update --help)`);
    const sid = await ctx.serviceId();
    const name = String(ctx.opts.name);
    const v = await ctx.editableVersion(sid, (source) => checkObjectEdit(ctx.client, sid, source, kind, { verb: 'update', name, form }));
    const updated = await ctx.client.put<ApiObject>(item(sid, v, name), { form });
    ctx.out.done(`Updated ${kind} '${String(updated.name)}' in ${where(sid, v)}`, updated);
  });

  const del = apiCommand(noun, 'delete', `delete a ${kind} from a service version`, { service: true, version: 'write' })
    .requiredOption('-n, --name <name>', `${kind} name`);
  run(del, async (ctx) => {
    const sid = await ctx.serviceId();
    const name = String(ctx.opts.name);
    const v = await ctx.editableVersion(sid, (source) => checkObjectEdit(ctx.client, sid, source, kind, { verb: 'delete', name }));
    const answer = await ctx.client.delete(item(sid, v, name));
    ctx.out.done(`Deleted ${kind} '${name}' from ${where(sid, v)}`, answer);
  });
  return noun;
}
