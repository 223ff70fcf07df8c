// Response object: https://www.fastly.com/documentation/reference/api/vcl-services/response-object/
// A synthetic response, answered without the origin: its request_condition sends the request to
// vcl_error from vcl_recv, its cache_condition from vcl_fetch (src/model/generate-objects.ts).
import { Int, Line, Name, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const responseObject = defineResource({
  kind: 'response_object',
  fields: {
    name: Name('Name for the request settings'),
    status: Int(100, 599, 'The HTTP status code'),
    response: Line('The HTTP reason phrase', { maxLength: 1024 }),
    content: Text('The content to deliver for the response object', 1_048_576),
    content_type: Line('The MIME type of the content'),
    request_condition: Name('Condition which, if met, will select this configuration during a request'),
    cache_condition: Name('Name of the cache condition controlling when this configuration applies'),
  },
  required: ['name'],
  // Fastly's defaults for a new response object.
  defaults: { status: 200, response: 'Ok' },
});

export type ResponseObjectRecord = RecordOf<typeof responseObject>;
