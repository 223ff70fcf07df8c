// What both hit micro benches serve: an edge runtime with one generated service (domain
// hit.test) whose cache already holds a 1 KB object at /a, logging to /dev/null.
import pino from 'pino';
import { logStream } from '../../../src/process/logger.ts';
import { createObject, primaryKey } from '../../../src/edge/cache/index.ts';
import { EdgeRuntime } from '../../../src/edge/runtime.ts';
import { backend as backendSchema, parseRecord, settings as settingsSchema } from '../../../src/model/api/index.ts';
import { generateVcl } from '../../../src/model/generate.ts';

export const BODY = Buffer.alloc(1024, 'x');
export const ORIGIN_HEADERS = { 'content-type': 'text/plain', 'cache-control': 'max-age=3600', 'content-length': '1024', date: new Date().toUTCString() };

export function hitRuntime(): EdgeRuntime {
  const logger = pino({ base: { pop: 'bench' } }, logStream('/dev/null'));
  const runtime = new EdgeRuntime({ host: '127.0.0.1', port: 0, pop: 'bench', logger, purger: async () => ({ status: 'unauthorized' }) });
  const record = <R extends Parameters<typeof parseRecord>[0]>(schema: R, body: Record<string, unknown>) => {
    const r = parseRecord(schema, body, null);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.record;
  };
  const sid = 'benchsvc';
  const { files } = generateVcl({
    serviceId: sid, version: 1, healthchecks: [], directors: [], vcls: [], settings: record(settingsSchema, {}),
    backends: [record(backendSchema, { name: 'origin', address: '127.0.0.1', port: 9 })],
  });
  runtime.apply({
    type: 'services',
    sources: [{ serviceId: sid, version: 1, domains: ['hit.test'], main: files[0].name, files, settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 } }],
  });
  runtime.cache.store.insert(primaryKey(sid, ['/a', 'hit.test']), createObject({
    serviceId: sid, status: 200, reason: 'OK', headers: ORIGIN_HEADERS, requestHeaders: {},
    lifetimes: { store: true, reason: 'cacheable', ttl: 3600, grace: 0, staleIfError: 0 }, surrogateKeys: [],
  }, BODY));
  return runtime;
}
