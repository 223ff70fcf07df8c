// Gzip: https://www.fastly.com/documentation/reference/api/vcl-services/gzip/
// Which responses the edge compresses (Fastly's generated VCL sets beresp.gzip in vcl_fetch).
// Both lists are space-separated, as Fastly's API has them; an omitted list is Fastly's default.
import { checkGzip } from '../vcl-check.ts';
import { Name, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const gzip = defineResource({
  kind: 'gzip',
  fields: {
    name: Name('Name of the gzip configuration'),
    content_types: Text('Space-separated list of content types to compress', 8192),
    extensions: Text('Space-separated list of file extensions to compress', 8192),
    cache_condition: Name('Name of the cache condition controlling when this configuration applies'),
  },
  required: ['name'],
  defaults: {},
  check: (record) => checkGzip(record),
});

export type GzipRecord = RecordOf<typeof gzip>;

/** What Fastly compresses when a gzip object leaves a list out. */
export const DEFAULT_GZIP_CONTENT_TYPES = [
  'text/html', 'application/x-javascript', 'text/css', 'application/javascript', 'text/javascript', 'application/json',
  'application/vnd.ms-fontobject', 'application/x-font-opentype', 'application/x-font-truetype', 'application/x-font-ttf',
  'application/xml', 'font/eot', 'font/opentype', 'font/otf', 'image/svg+xml', 'image/vnd.microsoft.icon', 'text/plain', 'text/xml',
] as const;
export const DEFAULT_GZIP_EXTENSIONS = ['css', 'js', 'html', 'eot', 'ico', 'otf', 'ttf', 'json', 'svg'] as const;
