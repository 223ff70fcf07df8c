// `lacquer serve` as an operator runs it: a child process with node:cluster edge workers,
// for the scenarios the in-process harness cannot show (several workers, --cache-size).
// Driven through its API and edge like the in-process stack; stopped by the test's `t.after`
// (SIGTERM, then SIGKILL to the process group if it has not drained in time).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { request, TOKEN, type EdgeReply, type EdgeRequest } from '../harness.ts';

const BIN = path.join(import.meta.dirname, '../../../bin/lacquer.ts');

export interface ChildLacquer {
  readonly apiUrl: string;
  readonly edgePort: number;
  readonly workers: number;
  apiOk(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<unknown>;
  /** A service with one backend (and optional main VCL), active and routed by every worker. */
  createService(domain: string, originPort: number, vcl?: string): Promise<string>;
  edge(host: string, req?: EdgeRequest): Promise<EdgeReply>;
}

export async function startChild(t: TestContext, args: { workers: number; extra?: readonly string[] }): Promise<ChildLacquer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-child-'));
  const child = spawn(process.execPath, [
    BIN, 'serve', '--workers', String(args.workers), '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0',
    '--db', `sqlite:${path.join(dir, 'lacquer.db')}`, '--token', TOKEN, '--pop', 'child', ...(args.extra ?? []),
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stderr.on('data', (c: Buffer) => { output += String(c); });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => { try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* gone */ } }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const { apiUrl, edgePort } = await new Promise<{ apiUrl: string; edgePort: number }>((resolve, reject) => {
    let api: string | null = null;
    const timer = setTimeout(() => reject(new Error(`lacquer serve did not start within 45 s:\n${output}`)), 45_000);
    child.once('exit', (code) => reject(new Error(`lacquer serve exited with ${code}:\n${output}`)));
    let buffered = '';
    child.stdout.on('data', (c: Buffer) => {
      buffered += String(c);
      const apiLine = /^control API on (http:\/\/\S+)$/m.exec(buffered);
      if (apiLine !== null) api = apiLine[1];
      const edgeLine = /^edge on http:\/\/[^:]+:(\d+)$/m.exec(buffered);
      if (api !== null && edgeLine !== null) {
        clearTimeout(timer);
        resolve({ apiUrl: api, edgePort: Number(edgeLine[1]) });
      }
      // Keep only the unfinished last line; logs are not needed once both lines were seen.
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });

  const apiOk = async (method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> => {
    const init: RequestInit = { method, headers: { 'fastly-key': TOKEN, ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (body !== undefined) init.headers = { 'fastly-key': TOKEN, 'content-type': 'application/json', ...headers };
    const res = await fetch(`${apiUrl}${urlPath}`, init);
    const text = await res.text();
    assert.ok(res.ok, `${method} ${urlPath} → ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const edge = (host: string, req?: EdgeRequest): Promise<EdgeReply> => request(edgePort, host, req);

  return {
    apiUrl, edgePort, workers: args.workers, apiOk, edge,
    async createService(domain, originPort, vcl) {
      const { id } = await apiOk('POST', '/service', { name: domain }) as { id: string };
      await apiOk('POST', `/service/${id}/version/1/domain`, { name: domain });
      await apiOk('POST', `/service/${id}/version/1/backend`, { name: 'o', address: '127.0.0.1', port: originPort });
      if (vcl !== undefined) await apiOk('POST', `/service/${id}/version/1/vcl`, { name: 'main', content: vcl, main: true });
      await apiOk('PUT', `/service/${id}/version/1/activate`);
      // Fresh connections go to the workers in turn (node:cluster round robin): once as many in
      // a row as there are workers route the domain, every worker has the version.
      let routed = 0;
      for (let i = 0; routed < args.workers; i++) {
        assert.ok(i < 200, `${domain} was not routed by every worker`);
        const r = await edge(domain, { method: 'OPTIONS', path: '/__routed' });
        routed = r.status === 404 && r.statusLine.endsWith('Domain Not Found') ? 0 : routed + 1;
        if (routed === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return id;
    },
  };
}
