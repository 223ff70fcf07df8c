// Cache settings: https://www.fastly.com/documentation/reference/api/vcl-services/cache-settings/
// In vcl_fetch: the object's TTL, how long it may be served stale when the origin fails, and
// an action: cache (deliver and store), pass (not cached, Fastly's hit-for-pass) or restart.
import { checkCacheSettings } from '../vcl-check.ts';
import { Int, Name, OneOf } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const CACHE_ACTIONS = ['cache', 'pass', 'restart'] as const;

export const cacheSettings = defineResource({
  kind: 'cache_settings',
  fields: {
    name: Name('Name for the cache settings object'),
    action: OneOf(CACHE_ACTIONS, 'If set, will cause vcl_fetch to terminate after processing this rule with the return state specified'),
    ttl: Int(0, 2_147_483_647, 'Maximum time to consider the object fresh in the cache, in seconds'),
    stale_ttl: Int(0, 2_147_483_647, 'Maximum time in seconds to continue to use a stale version of the object if future requests to your backend server fail'),
    cache_condition: Name('Name of the cache condition controlling when this configuration applies'),
  },
  required: ['name'],
  defaults: {},
  check: (record) => checkCacheSettings(record),
});

export type CacheSettingsRecord = RecordOf<typeof cacheSettings>;
