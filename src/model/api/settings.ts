// Settings: https://www.fastly.com/documentation/reference/api/vcl-services/settings/
// Field names carry the `general.` prefix as Fastly's do. lacquer serves stale on error by
// default (DESIGN.md §4.4), which differs from Fastly's default of false.
import { Bool, Hostname, Int } from './fields.ts';
import type { Resource } from './parse.ts';

export const settings: Resource = {
  kind: 'settings',
  fields: {
    'general.default_host': Hostname('The default host name for the version'),
    'general.default_ttl': Int(0, 2_147_483_647, 'The default time-to-live (TTL) for the version, in seconds'),
    'general.stale_if_error': Bool('Enables serving a stale object if there is an error'),
    'general.stale_if_error_ttl': Int(0, 2_147_483_647, 'The default time-to-live (TTL) for serving the stale object, in seconds'),
  },
  required: [],
  defaults: { 'general.default_ttl': 3600, 'general.stale_if_error': true, 'general.stale_if_error_ttl': 43_200 },
};
