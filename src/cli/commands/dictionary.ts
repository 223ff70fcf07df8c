// `lacquer dictionary create|list|describe|update|delete` and `lacquer acl …`: the versioned
// halves of the live data (https://www.fastly.com/documentation/reference/cli/dictionary/,
// …/cli/service/acl/). Their items and entries change live: `lacquer dictionary-entry` and
// `lacquer acl-entry` (./live-entries.ts).
import type { Command } from 'commander';
import { registerResourceVerbs } from '../resource.ts';

export function registerDictionary(program: Command): Command {
  const noun = program.command('dictionary').description('manage the dictionaries of a service version (items: lacquer dictionary-entry)');
  return registerResourceVerbs(noun, {
    kind: 'dictionary',
    fields: [{ field: 'write_only', type: 'bool', description: 'never read the items back through the API' }],
    columns: [
      { header: 'ID', value: 'id' },
      { header: 'NAME', value: 'name' },
      { header: 'WRITE ONLY', value: 'write_only' },
    ],
  });
}

export function registerAcl(program: Command): Command {
  const noun = program.command('acl').description('manage the ACLs of a service version (entries: lacquer acl-entry)');
  return registerResourceVerbs(noun, {
    kind: 'acl',
    fields: [],
    columns: [
      { header: 'ID', value: 'id' },
      { header: 'NAME', value: 'name' },
    ],
  });
}
