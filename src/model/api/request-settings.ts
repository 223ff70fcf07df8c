// Request settings: https://www.fastly.com/documentation/reference/api/vcl-services/request-settings/
// In vcl_recv, under the request condition: force a pass or a lookup, a miss, an https redirect,
// a default Host, the cache key (hash_keys, in vcl_hash). A field whose VCL lacquer does not run
// yet is refused when it is written (src/model/vcl-check.ts), never stored and ignored.
import { checkRequestSettings } from '../vcl-check.ts';
import { Bool, Hostname, Int, Name, OneOf, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const XFF_MODES = ['clear', 'leave', 'append', 'append_all', 'overwrite'] as const;

export const requestSettings = defineResource({
  kind: 'request_settings',
  fields: {
    name: Name('Name for the request settings'),
    action: OneOf(['lookup', 'pass'] as const, 'Allows you to terminate request handling and immediately perform an action'),
    force_miss: Bool('Allows you to force a cache miss for the request'),
    force_ssl: Bool('Forces the request use SSL (redirects a non-SSL to SSL)'),
    bypass_busy_wait: Bool('Disable collapsed forwarding, so you don\'t wait for other objects to origin'),
    default_host: Hostname('Sets the host header'),
    hash_keys: Text('Comma separated list of varnish request object fields that should be in the hash key', 8192),
    max_stale_age: Int(0, 2_147_483_647, 'How old an object is allowed to be to serve stale-if-error or stale-while-revalidate'),
    xff: OneOf(XFF_MODES, 'Short for X-Forwarded-For'),
    timer_support: Bool('Injects the X-Timer info into the request for viewing origin fetch durations'),
    geo_headers: Bool('Deprecated: Fastly ignores it'),
    request_condition: Name('Condition which, if met, will select this configuration during a request'),
  },
  required: ['name'],
  defaults: { force_miss: false, force_ssl: false, bypass_busy_wait: false, timer_support: false, geo_headers: false, xff: 'append' },
  check: (record) => checkRequestSettings(record),
});

export type RequestSettingsRecord = RecordOf<typeof requestSettings>;
