// `lacquer settings describe|update`: a version's cache defaults
// (https://www.fastly.com/documentation/reference/api/vcl-services/settings/). The API fields
// carry a `general.` prefix; the flags drop it (`--default-ttl` sets `general.default_ttl`).
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run } from '../command.ts';
import { UsageError } from '../errors.ts';
import { addFieldOptions, formFromOptions, isEmpty, type FieldFlag } from '../fields.ts';
import type { ApiObject } from '../output.ts';
import { checkSettingsEdit } from '../preflight.ts';

const SETTINGS_FIELDS: readonly FieldFlag[] = [
  { field: 'general.default_ttl', description: 'seconds a response is cached when it says nothing (default 3600)' },
  { field: 'general.stale_if_error', type: 'bool', description: 'serve stale content when the backend fails (default true)' },
  { field: 'general.stale_if_error_ttl', description: 'seconds stale content may be served on error (default 43200)' },
  { field: 'general.default_host', description: 'Host used when a request has none' },
];

export function registerSettings(program: Command): Command {
  const noun = program.command('settings').description('show and change a service version\'s settings');

  run(apiCommand(noun, 'describe', 'show the settings of a service version', { service: true, version: 'read' }), async (ctx) => {
    const sid = await ctx.serviceId();
    const v = await ctx.version(sid);
    ctx.out.record(await ctx.client.get<ApiObject>(apiPath('service', sid, 'version', v.number, 'settings')));
  });

  const update = addFieldOptions(apiCommand(noun, 'update', 'change the settings of a service version', { service: true, version: 'write' }), SETTINGS_FIELDS);
  run(update, async (ctx) => {
    const form = formFromOptions(ctx.opts, SETTINGS_FIELDS);
    if (isEmpty(form)) throw new UsageError('nothing to update: give at least one of --default-ttl, --stale-if-error, --stale-if-error-ttl, --default-host');
    const sid = await ctx.serviceId();
    const v = await ctx.editableVersion(sid, (source) => checkSettingsEdit(ctx.client, sid, source, form));
    const updated = await ctx.client.put<ApiObject>(apiPath('service', sid, 'version', v, 'settings'), { form });
    ctx.out.done(`Updated the settings of version ${v} of service ${sid}`, updated);
  });
  return noun;
}
