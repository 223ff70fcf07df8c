// `lacquer version list|clone|activate|deactivate|lock`
// (https://www.fastly.com/documentation/reference/api/services/version/). A version is
// editable until it is activated or locked; activation compiles its VCL and, if anything is
// an error, the API refuses with the diagnostics, which are printed one a line.
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run } from '../command.ts';
import type { ApiObject } from '../output.ts';
import { checkActivation } from '../preflight.ts';
import { VERSION_COLUMNS } from './service.ts';

type Action = 'clone' | 'activate' | 'deactivate' | 'lock';

const DONE: Readonly<Record<Action, string>> = { clone: 'Cloned', activate: 'Activated', deactivate: 'Deactivated', lock: 'Locked' };

export function registerVersion(program: Command): Command {
  const noun = program.command('version').description('list, clone, activate, deactivate and lock service versions');

  run(apiCommand(noun, 'list', 'list the versions of a service', { service: true }), async (ctx) => {
    ctx.out.list(await ctx.client.get<ApiObject[]>(apiPath('service', await ctx.serviceId(), 'version')), VERSION_COLUMNS);
  });

  const action = (name: Action, description: string): void => {
    const cmd = apiCommand(noun, name, description, { service: true, version: name === 'activate' ? 'write' : 'read' });
    run(cmd, async (ctx) => {
      const sid = await ctx.serviceId();
      // Only activate takes --autoclone (as in the Fastly CLI): activate a clone of a locked version.
      const number = name === 'activate' ? await ctx.editableVersion(sid, (source) => checkActivation(ctx.client, sid, source)) : (await ctx.version(sid)).number;
      const answer = await ctx.client.put<ApiObject>(apiPath('service', sid, 'version', number, name));
      const message = name === 'clone'
        ? `Cloned version ${number} of service ${sid} to version ${String(answer.number)}`
        : `${DONE[name]} version ${number} of service ${sid}`;
      ctx.out.done(message, answer);
      // The API adds validation warnings to an activation (a version without a domain serves nothing).
      if (Array.isArray(answer.warnings)) for (const w of answer.warnings) ctx.out.notice(`warning: ${String(w)}`);
    });
  };
  action('clone', 'copy a version into a new editable version');
  action('activate', 'compile a version\'s VCL and make it the active version');
  action('deactivate', 'deactivate the active version');
  action('lock', 'lock a version against edits');
  return noun;
}
