// Service and version bodies: https://www.fastly.com/documentation/reference/api/services/service/
import { Name, OneOf, Text } from './fields.ts';
import type { Resource } from './parse.ts';

export const service: Resource = {
  kind: 'service',
  fields: {
    name: Name('The name of the service'),
    comment: Text('A freeform descriptive note', 8192),
    // Only VCL services exist in lacquer; `wasm` (Compute) is refused at the boundary.
    type: OneOf(['vcl'] as const, 'The type of this service'),
    customer_id: Name('Alphanumeric string identifying the customer (ignored)'),
  },
  required: ['name'],
  defaults: { type: 'vcl' },
};

export const version: Resource = {
  kind: 'version',
  fields: {
    comment: Text('A freeform descriptive note', 8192),
  },
  required: [],
  defaults: {},
};
