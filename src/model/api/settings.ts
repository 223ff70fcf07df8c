// Settings: https://www.fastly.com/documentation/reference/api/vcl-services/settings/
// Field names carry the `general.` prefix as Fastly's do. lacquer serves stale on error by
// default (DESIGN.md §4.4), which differs from Fastly's default of false.
import { Bool, Int, Unsupported } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const settings = defineResource({
  kind: 'settings',
  fields: {
    // The Terraform provider always sends it, empty unless configured, which is accepted.
    'general.default_host': Unsupported('The default host name for the version', 'a default Host for the version is not applied yet (use a backend\'s override_host)'),
    'general.default_ttl': Int(0, 2_147_483_647, 'The default time-to-live (TTL) for the version, in seconds'),
    'general.stale_if_error': Bool('Enables serving a stale object if there is an error'),
    'general.stale_if_error_ttl': Int(0, 2_147_483_647, 'The default time-to-live (TTL) for serving the stale object, in seconds'),
  },
  required: [],
  defaults: { 'general.default_ttl': 3600, 'general.stale_if_error': true, 'general.stale_if_error_ttl': 43_200 },
});

export type SettingsRecord = RecordOf<typeof settings>;
