// `lacquer token create [--service ID] [--read-only]` (docs/api.md, Tokens): the API shows a new
// token once, so the table output is the token alone on stdout (`TOKEN=$(lacquer token create)`),
// with what it may do on stderr.
import type { Command } from 'commander';
import { apiCommand, run } from '../command.ts';

interface CreatedToken {
  id: string;
  scope: string;
  services: string[];
  access_token: string;
}

export function registerToken(program: Command): Command {
  const noun = program.command('token').description('create API tokens');
  const create = apiCommand(noun, 'create', 'create a token (needs an admin token); it is printed once')
    .option('--service <id>', 'limit the token to one service')
    .option('--read-only', 'the token may read but not change anything')
    .option('--name <name>', 'a name to recognise the token by');
  run(create, async (ctx) => {
    const form: Record<string, string> = { scope: ctx.opts.readOnly === true ? 'global:read' : 'global' };
    if (typeof ctx.opts.service === 'string') form.service_id = ctx.opts.service;
    if (typeof ctx.opts.name === 'string') form.name = ctx.opts.name;
    const token = await ctx.client.post<CreatedToken>('/tokens', { form });
    if (!ctx.out.json) {
      const limit = token.services.length === 0 ? 'all services' : `service ${token.services.join(', ')}`;
      ctx.out.notice(`Created token ${token.id} (scope ${token.scope}, ${limit}). It is shown only this once:`);
    }
    ctx.out.done(token.access_token, token);
  });
  return noun;
}
