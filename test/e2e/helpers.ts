// Browser tests drive Debian's Chromium through playwright-core against a lacquer started
// in-process (edge, health and control API on 127.0.0.1 port 0), with scripted origins.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer, type Running } from '../../src/process/primary.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
export const TOKEN = 'e2e-admin-token-0123456789';
export const RESULTS = join(import.meta.dirname, '../../test-results/dashboard');

export async function launchBrowser(t: TestContext): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `the dashboard tests need Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  return browser;
}

export async function startServer(t: TestContext): Promise<Running & { apiUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-e2e-'));
  const options = resolveServeOptions({ workers: '0', edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${dir}/db`, token: TOKEN, egress: '192.0.2.0/24,2001:db8::/48' }, {});
  const running = await startLacquer(options, pino({ level: 'silent' }));
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.ok(running.apiUrl !== null);
  return running as Running & { apiUrl: string };
}

export interface Origin {
  readonly port: number;
  /** Health probes received. */
  readonly probes: () => number;
  stop(): Promise<void>;
}

/** An origin that answers every request 200 and closes the connection (what a probe waits for). */
export async function startOrigin(t: TestContext): Promise<Origin> {
  let probes = 0;
  const server: Server = createServer((req, res) => {
    probes += 1;
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(stop);
  return { port: (server.address() as { port: number }).port, probes: () => probes, stop };
}

/** A screenshot kept as a test artifact: test-results/dashboard/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

/** The API as curl would call it, with the admin token. */
export async function api(base: string, method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { 'fastly-key': TOKEN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

export async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/services$/);
}
