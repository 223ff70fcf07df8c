// Header: https://www.fastly.com/documentation/reference/api/vcl-services/header/
// Sets, appends to, deletes or rewrites (regsub) a header or the URL. `type` says on which
// object: request → req in vcl_recv, fetch → bereq in vcl_miss and vcl_pass, cache → beresp in
// vcl_fetch, response → resp in vcl_deliver. `dst` is the variable without its object
// (`http.X-Foo`, `url`); `src` is a VCL expression (`"value"`, `client.ip`), as Fastly has it.
import { checkHeader } from '../vcl-check.ts';
import { Bool, Int, Name, OneOf, Text } from './fields.ts';
import { defineResource, type FieldError, type RecordOf } from './parse.ts';

export const HEADER_ACTIONS = ['set', 'append', 'delete', 'regex', 'regex_repeat'] as const;
export const HEADER_TYPES = ['request', 'fetch', 'cache', 'response'] as const;
export type HeaderType = (typeof HEADER_TYPES)[number];

export const header = defineResource({
  kind: 'header',
  fields: {
    name: Name('A handle to refer to this Header object'),
    action: OneOf(HEADER_ACTIONS, 'Accepts a string value'),
    type: OneOf(HEADER_TYPES, 'Accepts a string value: where the action applies'),
    dst: Text('Header to set (http.NAME, or url)', 1024),
    src: Text('Variable to be used as a source for the header content (a VCL expression)', 65_536),
    regex: Text('Regular expression to use (regex and regex_repeat only)', 8192),
    substitution: Text('Value to substitute in place of regular expression (regex and regex_repeat only)', 8192),
    ignore_if_set: Bool('Don\'t add the header if it is added already (set only)'),
    priority: Int(0, 1_000_000, 'Priority determines execution order; lower numbers execute first'),
    request_condition: Name('Condition which, if met, will select this configuration during a request'),
    cache_condition: Name('Name of the cache condition controlling when this configuration applies'),
    response_condition: Name('Optional name of a response condition to apply'),
  },
  required: ['name', 'action', 'type', 'dst'],
  defaults: { ignore_if_set: false, priority: 100 },
  check: (record) => [...headerFieldRules(record), ...(headerFieldRules(record).length > 0 ? [] : checkHeader(record))],
});

export type HeaderRecord = RecordOf<typeof header>;

function headerFieldRules(r: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const action = r.action as string;
  if (action !== 'delete' && r.src === null) errors.push({ field: 'src', message: `src: is required for the ${action} action` });
  if ((action === 'regex' || action === 'regex_repeat') && r.regex === null) errors.push({ field: 'regex', message: `regex: is required for the ${action} action` });
  return errors;
}
