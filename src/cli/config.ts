// Where the CLI finds the control API and its token (DESIGN.md §4.1). Precedence, highest
// first: flags (--api-url, --token), environment (LACQUER_API_URL, LACQUER_API_TOKEN), the
// config file ($XDG_CONFIG_HOME/lacquer/config.json, else ~/.config/lacquer/config.json, per
// the XDG Base Directory spec), then the defaults: the API address `lacquer serve` listens on
// and, for the token, the admin token its first start wrote to `data/admin-token` under the
// directory the command runs in (the default data directory of `npm start`).
// The CLI never reads the server's own variables (LACQUER_API is a listen address, not a URL;
// LACQUER_TOKEN seeds the server's admin token): a shell that exported them for the server
// must not change where the CLI connects or what it sends.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.ts';

export const DEFAULT_API_URL = 'http://127.0.0.1:8081';
/** The admin token `lacquer serve` writes on its first start with the default --db. */
export const DEFAULT_TOKEN_FILE = join('data', 'admin-token');

export interface CliConfig {
  readonly apiUrl: string;
  /** null: no token anywhere; the API will answer 401. */
  readonly token: string | null;
}

export interface ConfigFlags {
  readonly apiUrl?: string;
  readonly token?: string;
}

/** The config file's shape: `{"api_url": "http://…", "token": "…"}`; both keys optional. */
interface ConfigFile {
  api_url?: string;
  token?: string;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config');
  return join(base, 'lacquer', 'config.json');
}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${path} must hold a JSON object`);
  const file = parsed as Record<string, unknown>;
  for (const key of ['api_url', 'token'] as const) {
    if (file[key] !== undefined && typeof file[key] !== 'string') throw new UsageError(`${path}: "${key}" must be a string`);
  }
  return file as ConfigFile;
}

function nonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

/** The token in `<cwd>/data/admin-token`, if the file is there and readable. */
function dataDirToken(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, DEFAULT_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env, home: string = homedir(), cwd: string = process.cwd()): CliConfig {
  const file = readConfigFile(configFilePath(env, home));
  const apiUrl = nonEmpty(flags.apiUrl, env.LACQUER_API_URL, file.api_url) ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new UsageError(`API URL "${apiUrl}" is not a URL (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`API URL "${apiUrl}" must be http:// or https://`);
  // The data directory's admin token is the local server's: it is only sent to an API on this
  // host (loopback), never to a remote URL the command was pointed at.
  const local = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  const token = nonEmpty(flags.token, env.LACQUER_API_TOKEN, file.token) ?? (local ? dataDirToken(cwd) : undefined) ?? null;
  return { apiUrl: apiUrl.replace(/\/+$/, ''), token };
}
