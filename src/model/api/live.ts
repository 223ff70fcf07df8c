// The versioned halves of Fastly's live data: snippet, dictionary and ACL objects. Each has an
// `id` given when it is created and kept by every clone of the version (Fastly: "the new
// version's dictionary keeps its id"), because the versionless half — dictionary items, ACL
// entries, a dynamic snippet's content — belongs to that id (src/store/store.ts).
//   https://www.fastly.com/documentation/reference/api/vcl-services/snippet/
//   https://www.fastly.com/documentation/reference/api/dictionaries/dictionary/
//   https://www.fastly.com/documentation/reference/api/acls/acl/
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Bool, Int, Name, OneOf, Pattern, Text, type Ruled } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

/**
 * Fastly: "Must start with an alphanumeric character and contain only alphanumeric characters,
 * underscores, and whitespace". lacquer also needs a letter first: the name (whitespace as `_`)
 * is the table's or ACL's name in VCL (vclTableName), and a VCL name cannot start with a digit.
 */
const LIVE_NAME = '^[A-Za-z][A-Za-z0-9_ ]{0,254}$';
const LIVE_NAME_RULE = 'must start with a letter and contain only letters, digits, underscores and spaces (at most 255 characters)';

/** Where a snippet goes in the generated VCL (Fastly's `type`). */
export const SNIPPET_TYPES = ['init', 'recv', 'hash', 'hit', 'miss', 'pass', 'fetch', 'error', 'deliver', 'log', 'none'] as const;
export type SnippetType = (typeof SNIPPET_TYPES)[number];

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Fastly-style 22-character alphanumeric id for a new snippet, dictionary, ACL or ACL entry. */
export function newObjectId(): string {
  let id = '';
  for (const b of randomBytes(22)) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

/** Gives a record created now its id; an update keeps the one it has. */
function giveId(record: Record<string, unknown>, _sent: unknown, previous: unknown): void {
  if (previous === null && (record.id === null || record.id === undefined)) record.id = newObjectId();
}

/** An object's id, given by lacquer when it is created: never taken from a request. */
function Id(description: string): Ruled<ReturnType<typeof Type.String>> {
  return Object.assign(Type.String({ description }), { rule: 'is read-only' });
}

export const snippet = defineResource({
  kind: 'snippet',
  fields: {
    name: Name('The name for the snippet'),
    type: OneOf(SNIPPET_TYPES, 'The location in generated VCL where the snippet should be placed'),
    content: Text('The VCL code that specifies exactly what the snippet does', 1_048_576),
    priority: Int(0, 2_147_483_647, 'Priority determines execution order. Lower numbers execute first'),
    dynamic: OneOf([0, 1] as const, 'Sets the snippet version: 1 dynamic (its content changes without a new version), 0 versioned'),
    id: Id('Alphanumeric string identifying the snippet'),
  },
  required: ['name', 'type'],
  defaults: { content: '', priority: 100, dynamic: 0 },
  readOnly: ['id'],
  normalize: giveId,
});
export type SnippetRecord = RecordOf<typeof snippet>;

export const dictionary = defineResource({
  kind: 'dictionary',
  fields: {
    name: Pattern(LIVE_NAME, LIVE_NAME_RULE, 'Name for the dictionary'),
    write_only: Bool('Determines if items in the dictionary are readable or not'),
    id: Id('Alphanumeric string identifying the dictionary'),
  },
  required: ['name'],
  defaults: { write_only: false },
  readOnly: ['id'],
  normalize: giveId,
});
export type DictionaryRecord = RecordOf<typeof dictionary>;

export const acl = defineResource({
  kind: 'acl',
  fields: {
    name: Pattern(LIVE_NAME, LIVE_NAME_RULE, 'Name for the ACL'),
    id: Id('Alphanumeric string identifying the ACL'),
  },
  required: ['name'],
  defaults: {},
  readOnly: ['id'],
  normalize: giveId,
});
export type AclRecord = RecordOf<typeof acl>;

/** The name a dictionary or ACL has in VCL (`table.lookup(NAME, …)`, `client.ip ~ NAME`): whitespace as `_`. */
export function vclTableName(name: string): string {
  return name.replace(/\s/g, '_');
}
