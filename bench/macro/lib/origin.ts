// Starts origin-server.ts in its own process group and reads its request counter.

import path from 'node:path';
import { request } from 'undici';
import type { Cleanup } from './cleanup.ts';
import { freePort, startProcess, waitReady, type Server } from './proc.ts';

export interface Origin {
  readonly server: Server;
  readonly port: number;
  /** Requests the origin answered so far, over all workers. */
  requests(): Promise<number>;
}

const SCRIPT = path.join(import.meta.dirname, 'origin-server.ts');

export async function startOrigin(cleanup: Cleanup, dir: string, workers: number): Promise<Origin> {
  const port = await freePort();
  const statsPort = await freePort();
  const server = startProcess(cleanup, 'origin', process.execPath, [SCRIPT, String(port), String(statsPort), String(workers)],
    { logFile: path.join(dir, 'origin.log') });
  await waitReady(server, `http://127.0.0.1:${port}/1k/ready`, null);
  // The counter is the primary's own listener: check it answers too.
  await waitReady(server, `http://127.0.0.1:${statsPort}/count`, null);
  const requests = async (): Promise<number> => {
    const res = await request(`http://127.0.0.1:${statsPort}/count`);
    return ((await res.body.json()) as { requests: number }).requests;
  };
  return { server, port, requests };
}
