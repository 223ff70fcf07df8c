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

/** This checkout. */
export const REPO = path.resolve(import.meta.dirname, '../../..');
const PASS_VCL = 'sub vcl_recv {\n#FASTLY recv\n  return(pass);\n}\n';

export interface LacquerOptions {
  /** Node flags before the script (`--cpu-prof`, `--perf-basic-prof`): node:cluster hands them on to the workers. */
  readonly nodeFlags?: readonly string[];
  /** The checkout whose `bin/lacquer.ts` runs (another one's, for a before/after in one run). */
  readonly repo?: string;
  /** Names the process and its files, when two lacquers run. */
  readonly name?: string;
}

/** `workers` 0 runs the edge in the one process, which is what a profile wants. */
export async function startLacquer(cleanup: Cleanup, dir: string, workers: number, originPort: number, options: LacquerOptions = {}): Promise<Lacquer> {
  const repo = options.repo ?? REPO;
  const name = options.name ?? 'lacquer';
  const edgePort = await freePort();
  const apiPort = await freePort();
  const token = randomBytes(16).toString('hex');
  const server = startProcess(cleanup, name, process.execPath, [
    ...(options.nodeFlags ?? []),
    path.join(repo, 'bin/lacquer.ts'), 'serve',
    '--workers', String(workers),
    '--edge', `127.0.0.1:${edgePort}`,
    '--api', `127.0.0.1:${apiPort}`,
    '--db', `sqlite:${path.join(dir, `${name}.db`)}`,
    '--pop', 'bench',
    '--token', token,
    // HTTPS on a port of its own (through the environment, which a --before checkout that
    // predates --tls ignores): two lacquers of one run must not both take 127.0.0.1:8443.
  ], { cwd: repo, logFile: path.join(dir, `${name}.log`), graceMs: 10_000, env: { ...process.env, LACQUER_TLS: '127.0.0.1:0' } });
  const api = `http://127.0.0.1:${apiPort}`;
  // A node with several workers took 13 s to start on the shared 2-core machine (load 20+).
  await waitReady(server, `${api}/ready`, null, 90_000);

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
