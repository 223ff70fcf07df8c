// `lacquer condition|header|response-object|request-settings|cache-settings|gzip
// create|list|describe|update|delete`: the VCL service objects
// (https://www.fastly.com/documentation/reference/api/vcl-services/). Flags are the API's
// fields in kebab case, as the Fastly CLI's `fastly service vcl condition create --statement …`.
import type { Command } from 'commander';
import type { FieldFlag } from '../fields.ts';
import type { Column } from '../output.ts';
import { registerResourceVerbs } from '../resource.ts';

const text = (field: string, description: string): FieldFlag => ({ field, description });
const bool = (field: string, description: string): FieldFlag => ({ field, type: 'bool', description });
const REQUEST_CONDITION = text('request_condition', 'name of a REQUEST condition under which this applies');
const CACHE_CONDITION = text('cache_condition', 'name of a CACHE condition under which this applies');
const cols = (...fields: string[]): Column[] => fields.map((f) => ({ header: f.toUpperCase(), value: f }));

interface Noun {
  readonly command: string;
  readonly kind: string;
  readonly description: string;
  readonly fields: readonly FieldFlag[];
  readonly columns: readonly Column[];
}

export const VCL_OBJECT_NOUNS: readonly Noun[] = [
  {
    command: 'condition', kind: 'condition', description: 'manage the conditions (VCL expressions objects attach) of a service version',
    fields: [
      text('statement', 'the VCL expression, e.g. req.url ~ "^/api/"'),
      text('type', 'REQUEST, CACHE, RESPONSE or PREFETCH: where it is evaluated'),
      text('priority', 'lower numbers run first (default 10)'),
      text('comment', 'a descriptive note'),
    ],
    columns: cols('name', 'type', 'priority', 'statement'),
  },
  {
    command: 'header', kind: 'header', description: 'manage the header rewrites of a service version',
    fields: [
      text('action', 'set, append, delete, regex or regex_repeat'),
      text('type', 'request, fetch, cache or response: which object it changes'),
      text('dst', 'the header to change, e.g. http.X-Foo (or url)'),
      text('src', 'a VCL expression for the value, e.g. "bar" or client.ip'),
      text('regex', 'the regular expression (regex, regex_repeat)'),
      text('substitution', 'what replaces each match (regex, regex_repeat)'),
      bool('ignore_if_set', 'leave a header that is already set (set only)'),
      text('priority', 'lower numbers run first (default 100)'),
      REQUEST_CONDITION, CACHE_CONDITION,
      text('response_condition', 'name of a RESPONSE condition under which this applies'),
    ],
    columns: cols('name', 'type', 'action', 'dst', 'src', 'priority'),
  },
  {
    command: 'response-object', kind: 'response_object', description: 'manage the synthetic responses of a service version',
    fields: [
      text('status', 'the status code (default 200)'),
      text('response', 'the reason phrase (default Ok)'),
      text('content', 'the body'),
      text('content_type', 'the Content-Type of the body'),
      REQUEST_CONDITION, CACHE_CONDITION,
    ],
    columns: cols('name', 'status', 'response', 'content_type', 'request_condition', 'cache_condition'),
  },
  {
    command: 'request-settings', kind: 'request_settings', description: 'manage the request settings of a service version',
    fields: [
      text('action', 'lookup or pass'),
      bool('force_miss', 'fetch from the origin even on a hit'),
      bool('force_ssl', 'redirect plain HTTP requests to https'),
      bool('bypass_busy_wait', 'do not wait for a fetch of the same object in progress'),
      text('default_host', 'the Host header to set'),
      text('hash_keys', 'comma-separated VCL expressions that make the cache key'),
      text('max_stale_age', 'seconds an object may be stale and still served'),
      text('xff', 'X-Forwarded-For handling (append)'),
      bool('timer_support', 'add the X-Timer header'),
      REQUEST_CONDITION,
    ],
    columns: cols('name', 'action', 'force_miss', 'force_ssl', 'default_host', 'hash_keys', 'request_condition'),
  },
  {
    command: 'cache-settings', kind: 'cache_settings', description: 'manage the cache settings of a service version',
    fields: [
      text('action', 'cache, pass or restart'),
      text('ttl', 'seconds the object is fresh'),
      text('stale_ttl', 'seconds it may be served stale while the origin fails'),
      CACHE_CONDITION,
    ],
    columns: cols('name', 'action', 'ttl', 'stale_ttl', 'cache_condition'),
  },
  {
    command: 'gzip', kind: 'gzip', description: 'manage the gzip rules of a service version',
    fields: [
      text('content_types', 'space-separated content types to compress'),
      text('extensions', 'space-separated file extensions to compress'),
      CACHE_CONDITION,
    ],
    columns: cols('name', 'content_types', 'extensions', 'cache_condition'),
  },
];

export function registerVclObjects(program: Command): void {
  for (const n of VCL_OBJECT_NOUNS) {
    registerResourceVerbs(program.command(n.command).description(n.description), { kind: n.kind, fields: n.fields, columns: n.columns });
  }
}
