// Service and version bodies: https://www.fastly.com/documentation/reference/api/services/service/
import { Name, OneOf, Pattern, Text } from './fields.ts';
import { defineResource } from './parse.ts';

export const service = defineResource({
  kind: 'service',
  fields: {
    name: Name('The name of the service'),
    comment: Text('A freeform descriptive note', 8192),
    // Only VCL services exist in lacquer; `wasm` (Compute) is refused at the boundary.
    type: OneOf(['vcl'] as const, 'The type of this service'),
    // One lacquer installation is one customer, answered as `lacquer` (src/control/present.ts);
    // another customer id would be stored nowhere and mean nothing, so it is refused.
    customer_id: Pattern('^lacquer$', 'must be lacquer, this installation\'s one customer, or empty', 'Alphanumeric string identifying the customer'),
  },
  required: ['name'],
  defaults: { type: 'vcl' },
});

export const version = defineResource({
  kind: 'version',
  fields: {
    comment: Text('A freeform descriptive note', 8192),
  },
  required: [],
  defaults: {},
});
