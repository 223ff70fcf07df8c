// Director: https://www.fastly.com/documentation/reference/api/load-balancing/directors/director/
// `type` is Fastly's number: 1 random, 3 hash, 4 client. Membership lives in `backends`,
// changed only through …/director/{name}/backend/{backend}.
import { Int, Name, OneOf, StringList, Text, Unsupported } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const DIRECTOR_TYPES = { 1: 'random', 3: 'hash', 4: 'client' } as const;

export const director = defineResource({
  kind: 'director',
  fields: {
    name: Name('Name for the director'),
    type: OneOf([1, 3, 4] as const, 'What type of load balance group to use (1 random, 3 hash, 4 client)'),
    quorum: Int(0, 100, 'Percentage of capacity that must be healthy for the director to be healthy'),
    retries: Int(0, 100, 'How many backends to try before failing'),
    // Fastly documents capacity as "Unused": accepted and shown, with no effect there or here.
    capacity: Int(0, 100_000, 'Unused'),
    shield: Unsupported('Shield POP for this director', 'shielding through another POP is not available yet'),
    comment: Text('A freeform descriptive note', 8192),
    backends: StringList('Names of the backends in this director (read-only)'),
  },
  required: ['name'],
  defaults: { type: 1, quorum: 75, retries: 5, capacity: 100, backends: [] },
  readOnly: ['backends'],
});

export type DirectorRecord = RecordOf<typeof director>;
