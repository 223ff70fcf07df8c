// lacquer under test: `lacquer serve` from this checkout, on loopback, with its SQLite store in
// the run's temp dir, provisioned through the control API exactly as an operator would
// (docs/api.md): two services on the same origin, told apart by Host.
//
// - `pass.bench`: a main custom VCL whose vcl_recv ends in `return(pass)`;
// - `cache.bench`: no custom VCL, so the generated default (lookup, cache per the origin's
//   Cache-Control) runs.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { request } from 'undici';
import type { Cleanup } from './cleanup.ts';
import { freePort, startProcess, waitReady, type Server } from './proc.ts';

export const LACQUER_PASS_HOST = 'pass.bench';
export const LACQUER_CACHE_HOST = 'cache.bench';

export interface Lacquer {
  readonly server: Server;
  readonly edgeUrl: string;
}

const REPO = path.resolve(import.meta.dirname, '../../..');
const PASS_VCL = 'sub vcl_recv {\n#FASTLY recv\n  return(pass);\n}\n';

/**
 * `nodeFlags` go before the script (`--cpu-prof`, `--perf-basic-prof`): node:cluster hands them
 * on to the workers. `workers` 0 runs the edge in the one process, which is what a profile wants.
 */
export async function startLacquer(cleanup: Cleanup, dir: string, workers: number, originPort: number, nodeFlags: readonly string[] = []): Promise<Lacquer> {
  const edgePort = await freePort();
  const apiPort = await freePort();
  const token = randomBytes(16).toString('hex');
  const server = startProcess(cleanup, 'lacquer', process.execPath, [
    ...nodeFlags,
    path.join(REPO, 'bin/lacquer.ts'), 'serve',
    '--workers', String(workers),
    '--edge', `127.0.0.1:${edgePort}`,
    '--api', `127.0.0.1:${apiPort}`,
    '--db', `sqlite:${path.join(dir, 'lacquer.db')}`,
    '--pop', 'bench',
    '--token', token,
  ], { cwd: REPO, logFile: path.join(dir, 'lacquer.log'), graceMs: 10_000 });
  const api = `http://127.0.0.1:${apiPort}`;
  await waitReady(server, `${api}/ready`, null);

  const call = async (method: 'POST' | 'PUT', route: string, form: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    const res = await request(`${api}${route}`, {
      method,
      headers: { 'fastly-key': token, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`lacquer API ${method} ${route}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const provision = async (name: string, domain: string, vcl: string | null): Promise<void> => {
    const sid = String((await call('POST', '/service', { name })).id);
    await call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: String(originPort) });
    await call('POST', `/service/${sid}/version/1/domain`, { name: domain });
    if (vcl !== null) await call('POST', `/service/${sid}/version/1/vcl`, { name: 'main', main: 'true', content: vcl });
    await call('PUT', `/service/${sid}/version/1/activate`);
  };
  await provision('bench-pass', LACQUER_PASS_HOST, PASS_VCL);
  await provision('bench-cache', LACQUER_CACHE_HOST, null);

  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  // Activation reaches the workers asynchronously: wait until both domains route.
  await waitReady(server, `${edgeUrl}/1k/ready`, LACQUER_PASS_HOST);
  await waitReady(server, `${edgeUrl}/1k/ready`, LACQUER_CACHE_HOST);
  return { server, edgeUrl };
}
