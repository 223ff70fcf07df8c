// `lacquer health` and `lacquer purge` against a whole lacquer (control API, health registry
// and edge in one process), through the real CLI as a child process.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer } from '../../src/process/primary.ts';
import { runLacquer } from './helpers.ts';

const TOKEN = 'cli-health-purge-token';

async function origin(t: TestContext): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    res.setHeader('cache-control', 'max-age=300');
    res.setHeader('surrogate-key', 'all-pages');
    res.end(`page ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { port: (server.address() as { port: number }).port, hits: () => hits };
}

async function lacquer(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'lacquer-hp-'));
  const options = resolveServeOptions({ workers: '0', edge: '127.0.0.1:0', tls: '127.0.0.1:0', api: '127.0.0.1:0', db: `sqlite:${dir}/db.sqlite`, token: TOKEN }, {});
  const running = await startLacquer(options, pino({ level: 'silent' }));
  t.after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'),
    LACQUER_API_URL: running.apiUrl ?? '', LACQUER_API_TOKEN: TOKEN, LACQUER_EDGE_URL: `http://127.0.0.1:${running.edgePort}`,
  };
  const cli = async (...args: string[]): Promise<string> => {
    const r = await runLacquer(args, env);
    assert.equal(r.code, 0, `lacquer ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return { running, env, cli };
}

function get(port: number, path: string): Promise<{ status: number; cache: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { host: 'www.example.test' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cache: String(res.headers['x-cache']) }));
    }).on('error', reject);
  });
}

test('lacquer health lists backends like backend.list, and health set overrides the probe', async (t) => {
  const o = await origin(t);
  const { running, cli } = await lacquer(t);
  const sid = JSON.parse(await cli('service', 'create', '--name', 'site', '--json')).id as string;
  await cli('backend', 'create', '-s', sid, '--name', 'origin', '--address', '127.0.0.1', '--port', String(o.port));
  await cli('domain', 'create', '-s', sid, '--name', 'www.example.test');
  await cli('version', 'activate', '-s', sid);

  const table = await cli('health', '-s', sid);
  const [header, row] = table.trimEnd().split('\n');
  assert.match(header, /^Service +Backend name +POP +Admin +Probe +Health +Last change +Last response$/);
  assert.match(row, new RegExp(`^${sid} +F_origin +local +probe +\\d/8 +(healthy|sick) +`));

  assert.equal(await cli('health', 'set', '-s', sid, 'F_origin', 'sick'), 'F_origin: admin sick, now sick\n');
  assert.deepEqual(await get(running.edgePort ?? 0, '/x'), { status: 503, cache: 'MISS' });
  assert.equal(o.hits(), 0, 'a backend set sick is not asked');
  const probes = await cli('health', '-s', sid, '-p');
  assert.match(probes, /^\S+ F_origin \(local\): sick, admin sick\n Current states {2}good: +\d+ threshold: +3 window: +8\n/);
  assert.match(probes, /\n {2}Oldest =+ Newest\n/);
  assert.equal(await cli('health', 'set', '-s', sid, 'origin', 'auto'), 'F_origin: admin auto, now healthy\n', 'the API name works too');
  assert.equal(await cli('health', 'set', '-s', sid, '--name-type', 'api', 'origin', 'auto'), 'F_origin: admin auto, now healthy\n');
  assert.deepEqual(await get(running.edgePort ?? 0, '/x'), { status: 200, cache: 'MISS' });
});

test('lacquer purge removes by URL (at the edge), by surrogate key and everything, naming the service it purged', async (t) => {
  const o = await origin(t);
  const { running, env, cli } = await lacquer(t);
  const edge = running.edgePort ?? 0;
  const sid = JSON.parse(await cli('service', 'create', '--name', 'site', '--json')).id as string;
  await cli('backend', 'create', '-s', sid, '--name', 'origin', '--address', '127.0.0.1', '--port', String(o.port));
  await cli('domain', 'create', '-s', sid, '--name', 'www.example.test');
  await cli('version', 'activate', '-s', sid);

  assert.equal((await get(edge, '/a')).cache, 'MISS');
  assert.equal((await get(edge, '/a')).cache, 'HIT');
  assert.match(await cli('purge', '-s', sid, '--url', 'http://www.example.test/a'), /^Purged http:\/\/www\.example\.test\/a: id local-\d+-[0-9a-f]{8}\n$/);
  assert.equal((await get(edge, '/a')).cache, 'MISS');
  assert.match(await cli('purge', '-s', sid, '--key', 'all-pages'), new RegExp(`^Purged surrogate key all-pages of service ${sid}: id `));
  assert.equal((await get(edge, '/a')).cache, 'MISS');
  assert.match(await cli('purge', '-s', sid, '--all', '--soft'), new RegExp(`^Purged every object of service ${sid} \\(soft\\): id `));
  assert.equal(o.hits(), 3);

  const refused = await runLacquer(['purge', '--url', 'http://www.example.test/a', '--token', 'wrong'], env);
  assert.deepEqual([refused.code, refused.stderr], [1, 'error: Provided credentials are missing or invalid (HTTP 401)\n']);
  const usage = await runLacquer(['purge', '-s', sid], env);
  assert.deepEqual([usage.code, usage.stderr], [2, 'error: give exactly one of --url, --key or --all\n']);
});
