// `lacquer domain create|list|describe|update|delete`: the Host names a service answers for
// once its version is active (https://www.fastly.com/documentation/reference/api/services/domain/).
import type { Command } from 'commander';
import { registerResourceVerbs } from '../resource.ts';

export function registerDomain(program: Command): Command {
  const noun = program.command('domain').description('manage the domains of a service version');
  return registerResourceVerbs(noun, {
    kind: 'domain',
    fields: [{ field: 'comment', description: 'a descriptive note' }],
    columns: [
      { header: 'NAME', value: 'name' },
      { header: 'COMMENT', value: 'comment' },
    ],
  });
}
