// The Fastly CLI (npm @fastly/cli, pinned in optionalDependencies), unchanged, against a local
// API: its API and account endpoints point there, and HTTP(S)_PROXY points at a local proxy
// that refuses everything, so an attempt to reach any other host (update checks) fails.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

const FASTLY = join(import.meta.dirname, '../../node_modules/@fastly/cli-linux-x64/fastly');

export interface FastlyCli {
  /** Runs `fastly …args --non-interactive`; resolves to stdout, rejects with stdout and stderr. */
  run(...args: string[]): Promise<string>;
  readonly home: string;
}

export async function fastlyCli(t: TestContext, base: string, token: string): Promise<FastlyCli> {
  const proxy = createServer((req, res) => res.writeHead(502).end());
  proxy.on('connect', (_req, socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const home = mkdtempSync(join(tmpdir(), 'lacquer-fastly-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'),
    FASTLY_API_ENDPOINT: base, FASTLY_ACCOUNT_ENDPOINT: base, FASTLY_API_TOKEN: token,
    HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1',
  };
  const run = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(FASTLY, [...args, '--non-interactive'], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`fastly ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return { run, home };
}
