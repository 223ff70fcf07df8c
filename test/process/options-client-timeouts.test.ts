// `lacquer serve`'s client timeouts (docs/edge-clients.md): flag, else environment variable, else
// the edge's defaults; bad values name the option and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveServeOptions } from '../../src/process/options.ts';
import { CLIENT_TIMEOUT_DEFAULTS } from '../../src/edge/http1/index.ts';

test('client timeouts default to the edge\'s defaults', () => {
  assert.deepEqual(resolveServeOptions({}, {}).clientTimeouts, { headerMs: 10_000, idleMs: 5_000, bodyMs: 10_000, bodyMinRate: 500 });
  assert.deepEqual(resolveServeOptions({}, {}).clientTimeouts, CLIENT_TIMEOUT_DEFAULTS);
});

test('client timeouts come from their flags, else from LACQUER_CLIENT_* variables', () => {
  const env = {
    LACQUER_CLIENT_HEADER_TIMEOUT: '4000', LACQUER_CLIENT_IDLE_TIMEOUT: '15000',
    LACQUER_CLIENT_BODY_TIMEOUT: '20000', LACQUER_CLIENT_BODY_MIN_RATE: '1000',
  };
  assert.deepEqual(resolveServeOptions({}, env).clientTimeouts, { headerMs: 4000, idleMs: 15_000, bodyMs: 20_000, bodyMinRate: 1000 });
  const flags = { clientHeaderTimeout: '3000', clientIdleTimeout: '75000', clientBodyTimeout: '60000', clientBodyMinRate: '100' };
  assert.deepEqual(resolveServeOptions(flags, env).clientTimeouts, { headerMs: 3000, idleMs: 75_000, bodyMs: 60_000, bodyMinRate: 100 });
});

test('bad client timeouts name the option and the rule', () => {
  assert.throws(() => resolveServeOptions({ clientHeaderTimeout: '5s' }, {}), /--client-header-timeout: must be a whole number, got "5s"/);
  assert.throws(() => resolveServeOptions({ clientIdleTimeout: '0' }, {}), /--client-idle-timeout: must be between 100 and 3600000, got 0/);
  assert.throws(() => resolveServeOptions({ clientBodyTimeout: '3600001' }, {}), /--client-body-timeout: must be between 100 and 3600000, got 3600001/);
  assert.throws(() => resolveServeOptions({ clientBodyMinRate: '0' }, {}), /--client-body-min-rate: must be between 1 and 1000000000, got 0/);
  assert.throws(() => resolveServeOptions({}, { LACQUER_CLIENT_BODY_MIN_RATE: '-1' }), /LACQUER_CLIENT_BODY_MIN_RATE \(--client-body-min-rate\): must be a whole number, got "-1"/);
});
