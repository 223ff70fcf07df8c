// Custom VCL: https://www.fastly.com/documentation/reference/api/vcl-services/vcl/
import { Bool, Name, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const vcl = defineResource({
  kind: 'vcl',
  fields: {
    name: Name('The name of this VCL file'),
    content: Text('The VCL source', 1_048_576),
    main: Bool('Set to true when this is the main VCL, otherwise false'),
  },
  required: ['name', 'content'],
  defaults: { main: false },
});

export type VclRecord = RecordOf<typeof vcl>;
