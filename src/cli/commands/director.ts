// `lacquer director create|list|describe|update|delete|add-backend|remove-backend`: groups of
// backends (https://www.fastly.com/documentation/reference/api/load-balancing/directors/director/).
// Members are added and removed one at a time, as the API's …/director/{d}/backend/{b} routes do.
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run } from '../command.ts';
import type { FieldFlag } from '../fields.ts';
import { checkMembershipEdit } from '../preflight.ts';
import { registerResourceVerbs } from '../resource.ts';

/** Fastly's director type numbers; the CLI also takes the names. */
const TYPES: Readonly<Record<string, string>> = { random: '1', hash: '3', client: '4' };
const TYPE_NAMES: Readonly<Record<string, string>> = { 1: 'random', 3: 'hash', 4: 'client' };

export const DIRECTOR_FIELDS: readonly FieldFlag[] = [
  { field: 'type', description: 'random (1), hash (3) or client (4); default random' },
  { field: 'quorum', description: 'percentage of capacity that must be healthy (default 75)' },
  { field: 'retries', description: 'how many backends to try before failing (default 5)' },
  { field: 'capacity', description: 'unused; kept for Fastly compatibility' },
  { field: 'shield', description: 'shield POP for this director' },
  { field: 'comment', description: 'a descriptive note' },
];

export function registerDirector(program: Command): Command {
  const noun = program.command('director').description('manage the directors (backend groups) of a service version');
  registerResourceVerbs(noun, {
    kind: 'director',
    fields: DIRECTOR_FIELDS,
    columns: [
      { header: 'NAME', value: 'name' },
      { header: 'TYPE', value: (d) => TYPE_NAMES[String(d.type)] ?? d.type },
      { header: 'QUORUM', value: 'quorum' },
      { header: 'RETRIES', value: 'retries' },
      { header: 'BACKENDS', value: 'backends' },
    ],
    prepare: (form) => (form.type !== undefined && form.type in TYPES ? { ...form, type: TYPES[form.type] } : form),
  });

  const member = (verb: 'add-backend' | 'remove-backend', description: string): void => {
    const cmd = apiCommand(noun, verb, description, { service: true, version: 'write' })
      .requiredOption('-n, --name <director>', 'director name')
      .requiredOption('--backend <backend>', 'backend name');
    run(cmd, async (ctx) => {
      const sid = await ctx.serviceId();
      const director = String(ctx.opts.name);
      const backend = String(ctx.opts.backend);
      // What the API checks, against the version that --autoclone would copy (preflight.ts).
      const v = await ctx.editableVersion(sid, (source) => checkMembershipEdit(ctx.client, sid, source, verb === 'add-backend' ? 'add' : 'remove', director, backend));
      const path = apiPath('service', sid, 'version', v, 'director', director, 'backend', backend);
      if (verb === 'add-backend') {
        ctx.out.done(`Added backend '${backend}' to director '${director}' in version ${v} of service ${sid}`, await ctx.client.post(path));
      } else {
        ctx.out.done(`Removed backend '${backend}' from director '${director}' in version ${v} of service ${sid}`, await ctx.client.delete(path));
      }
    });
  };
  member('add-backend', 'add a backend to a director');
  member('remove-backend', 'remove a backend from a director');
  return noun;
}
