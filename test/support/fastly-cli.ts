// The Fastly CLI (npm @fastly/cli, pinned in optionalDependencies), unchanged, against a local
// API: its API and account endpoints point there, and HTTP(S)_PROXY points at a local recorder
// that refuses everything, so an attempt to reach any other host (update checks) fails and is seen.
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
  /** A home of its own, removed after the test: files the CLI reads (VCL, keys, batches) go here. */
  readonly home: string;
  /** The requests the CLI sent to any other host, each refused (`CONNECT host:443`, `GET url`). */
  readonly proxySeen: readonly string[];
}

async function refusingProxy(t: TestContext): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.socket.on('error', () => undefined);
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.on('error', () => undefined); // the CLI may reset after reading the refusal
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** The Fastly CLI against the API at `base` with `token`, in a home of its own, every other host refused. */
export async function fastlyCli(t: TestContext, base: string, token: string): Promise<FastlyCli> {
  const proxy = await refusingProxy(t);
  const home = mkdtempSync(join(tmpdir(), 'lacquer-fastly-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'),
    FASTLY_API_ENDPOINT: base, FASTLY_ACCOUNT_ENDPOINT: base, FASTLY_API_TOKEN: token,
    HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1',
  };
  const run = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(FASTLY, [...args, '--non-interactive'], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`fastly ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return { run, home, proxySeen: proxy.seen };
}
