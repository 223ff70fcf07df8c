// Domain: https://www.fastly.com/documentation/reference/api/services/domain/
import { Formatted, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const domain = defineResource({
  kind: 'domain',
  fields: {
    name: Formatted('domain', 'must be a hostname, optionally starting with one "*." wildcard label', 'The name of the domain'),
    comment: Text('A freeform descriptive note', 8192),
  },
  required: ['name'],
  defaults: {},
  normalize(record) {
    // Host matching is case-insensitive (RFC 9110 §4.2.3), so one spelling is stored.
    if (typeof record.name === 'string') record.name = record.name.toLowerCase().replace(/\.$/, '');
  },
});

export type DomainRecord = RecordOf<typeof domain>;
