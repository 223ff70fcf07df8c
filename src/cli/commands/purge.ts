// `lacquer purge --service ID (--url U | --key K | --all) [--soft]`, flags named as the Fastly
// CLI's (https://www.fastly.com/documentation/reference/cli/service/purge/). Keys and purge-all
// go to the control API; a URL is purged the Fastly way, with `PURGE <url>` sent to the edge
// (whose Host is the URL's host), authenticated by the same token.
import type { Command } from 'commander';
import { apiCommand, run } from '../command.ts';
import { apiPath } from '../api-client.ts';
import { resolveConfig } from '../config.ts';
import { CliError, UsageError } from '../errors.ts';

interface PurgeAnswer {
  status: string;
  id: string;
}

export function registerPurge(program: Command): Command {
  const cmd = apiCommand(program, 'purge', 'remove (or with --soft, mark stale) cached objects in every worker of the POP', { service: true })
    .option('--url <url>', 'purge one URL, e.g. https://www.example.com/index.html (sent to the edge)')
    .option('--key <surrogate-key>', 'purge every object whose Surrogate-Key has this key')
    .option('--all', 'purge every object of the service')
    .option('--soft', 'mark objects stale instead of removing them, so they can still be served stale')
    .option('--edge-url <url>', 'where the edge listens, for --url (falls back to LACQUER_EDGE_URL, then http://127.0.0.1:8080)');
  run(cmd, async (ctx) => {
    const { url, key, all, soft, edgeUrl } = ctx.opts as { url?: string; key?: string; all?: boolean; soft?: boolean; edgeUrl?: string };
    const chosen = [url, key, all === true ? 'all' : undefined].filter((v) => v !== undefined);
    if (chosen.length !== 1) throw new UsageError('give exactly one of --url, --key or --all');
    const headers: Record<string, string> = soft === true ? { 'fastly-soft-purge': '1' } : {};
    let answer: PurgeAnswer;
    let what: string;
    if (url !== undefined) {
      // The edge picks the service by the URL's host, as Fastly's purge by URL does.
      answer = await purgeUrl(url, edgeUrl ?? process.env.LACQUER_EDGE_URL ?? 'http://127.0.0.1:8080', headers, ctx.opts);
      what = url;
    } else {
      const sid = await ctx.serviceId();
      const path = key !== undefined ? apiPath('service', sid, 'purge', key) : apiPath('service', sid, 'purge_all');
      answer = await ctx.client.request<PurgeAnswer>('POST', path, undefined, headers);
      // Say which service: with LACQUER_SERVICE_ID set, the command line alone does not.
      what = `${key !== undefined ? `surrogate key ${key}` : 'every object'} of service ${sid}`;
    }
    ctx.out.done(`Purged ${what}${soft === true ? ' (soft)' : ''}: id ${answer.id}`, answer);
  });
  return cmd;
}

async function purgeUrl(url: string, edgeUrl: string, headers: Record<string, string>, opts: Readonly<Record<string, unknown>>): Promise<PurgeAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`--url must be an absolute URL like https://www.example.com/path, got "${url}"`);
  }
  const token = resolveConfig({ apiUrl: undefined, token: typeof opts.token === 'string' ? opts.token : undefined }).token;
  const edge = new URL(target.pathname + target.search, edgeUrl);
  // fetch() may not set Host; undici's request may, and the edge routes by it.
  const { request } = await import('undici');
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(edge, { method: 'PURGE', headers: { ...headers, host: target.host, ...(token === null ? {} : { 'fastly-key': token }) } });
  } catch (err) {
    throw new CliError(null, `cannot reach the edge at ${edgeUrl}`, (err as Error).message);
  }
  const body = await res.body.json().catch(() => null) as (PurgeAnswer & { msg?: string; detail?: string }) | null;
  if (res.statusCode !== 200 || body === null || body.id === undefined) {
    throw new CliError(res.statusCode, body?.msg ?? `PURGE answered ${res.statusCode}`, body?.detail ?? null);
  }
  return body;
}
