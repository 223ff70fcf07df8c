// The official `fastly` JS client (npm fastly v13, a devDependency), unchanged, against a local
// API. Its base URL is hard-wired to https://api.fastly.com; a superagent plugin rewrites each
// request to the local server for the length of the test. The client is one shared instance
// (ApiClient.instance), so tests that use it do not run concurrently within a file.
import { createRequire } from 'node:module';
import type { TestContext } from 'node:test';

/** One method of one of the client's API classes: resolves to the parsed body, rejects with `status`. */
export type FastlyCall = (options: Record<string, unknown>) => Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
export type FastlyApiClass = new () => Record<string, FastlyCall>;

interface FastlyModule {
  ApiClient: { instance: { plugins: Array<(req: { url: string }) => unknown> | null; authenticate(token: string): void } };
  [api: string]: unknown;
}

const Fastly = createRequire(import.meta.url)('fastly') as FastlyModule;

/** Points the client at `base` with `token` until the test ends; returns `api(name)`, a new instance of one of its API classes (`ServiceApi`, …). */
export function fastlyClient(t: TestContext, base: string, token: string): (name: string) => Record<string, FastlyCall> {
  const client = Fastly.ApiClient.instance;
  client.authenticate(token);
  client.plugins = [(req) => {
    req.url = req.url.replace(/^https:\/\/api\.fastly\.com/, base);
    return req;
  }];
  t.after(() => {
    client.plugins = null;
  });
  return (name) => {
    const api = Fastly[name];
    if (typeof api !== 'function') throw new Error(`the fastly client has no ${name}`);
    return new (api as FastlyApiClass)();
  };
}
