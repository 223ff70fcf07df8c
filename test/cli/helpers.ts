// Runs the real `lacquer` CLI as a child process (node bin/lacquer.ts …) against a real control
// API on 127.0.0.1:0, with HOME and XDG_CONFIG_HOME in a temp dir so no user config leaks in.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ADMIN, startApi, type Api } from '../control/helpers.ts';

export { ADMIN };

export const BIN = join(import.meta.dirname, '../../bin/lacquer.ts');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Cli {
  readonly api: Api;
  /** A temp dir used as HOME; XDG_CONFIG_HOME is `<home>/.config`. */
  readonly home: string;
  /** Runs `lacquer ARGS` with LACQUER_API_URL and LACQUER_API_TOKEN set (overridable by `env`). */
  run(args: readonly string[], env?: Readonly<Record<string, string | undefined>>, cwd?: string): Promise<CliResult>;
  /** Like run, but fails the test unless the command exits 0; resolves to stdout. */
  ok(...args: string[]): Promise<string>;
  /** `ok(...args, '--json')` parsed. */
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
}

export function runLacquer(args: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd?: string): Promise<CliResult> {
  const clean = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: clean, timeout: 60_000, cwd }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startCli(t: TestContext): Promise<Cli> {
  const api = await startApi(t);
  const home = mkdtempSync(join(tmpdir(), 'lacquer-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const base = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LACQUER_API_URL: api.base, LACQUER_API_TOKEN: ADMIN };
  const run = (args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd?: string): Promise<CliResult> => runLacquer(args, { ...base, ...env }, cwd);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`lacquer ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  return { api, home, run, ok, json: async <T>(...args: string[]) => JSON.parse(await ok(...args, '--json')) as T };
}
