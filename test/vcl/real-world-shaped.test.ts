// Typical Fastly VCL, written in the style of Fastly's docs and developer examples (redirect
// tables, geo, auth, query-string normalising, Surrogate-Control, A/B tests, restarts, error
// 6xx synthetics, if() expressions, ESI, …): every file under fixtures/real-world-shaped/
// lints clean as one file of a service (its API backend F_origin lives in the service), and
// runs at the edge as the main custom VCL of a service with that backend.
//
// Each file says what to send and expect in its leading comments, one case per `# request:`:
//   # request: GET /path            # header: Name: value
//   # expect-status: 301            # expect-header: location: https://…   (or "name: <absent>")
//   # expect-body: text it contains
// The origin answers `origin METHOD URL` with `Cache-Control: max-age=60`; a path under
// /status/NNN answers NNN, /cookies sets two cookies, /html answers HTML with ESI markup, and
// every request header the origin saw comes back as `x-seen-NAME` for names starting with x-.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { check, parse } from '../../src/vcl/index.ts';
import { startEdgeStack } from '../integration/harness.ts';
import { origin } from '../integration/cache/origin.ts';

const DIR = new URL('./fixtures/real-world-shaped/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.vcl')).sort();

interface Case {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly status: number | null;
  readonly expectHeaders: [string, string][];
  readonly body: string[];
}

function cases(text: string): Case[] {
  const out: { method: string; path: string; headers: Record<string, string>; status: number | null; expectHeaders: [string, string][]; body: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s*(request|header|expect-status|expect-header|expect-body):\s?(.*)$/.exec(line);
    if (m === null) continue;
    const [, kind, rest] = m;
    if (kind === 'request') {
      const [method, path] = rest.split(' ');
      out.push({ method, path, headers: {}, status: null, expectHeaders: [], body: [] });
      continue;
    }
    const c = out[out.length - 1];
    const colon = rest.indexOf(':');
    if (kind === 'header') c.headers[rest.slice(0, colon).trim()] = rest.slice(colon + 1).trim();
    else if (kind === 'expect-status') c.status = Number(rest);
    else if (kind === 'expect-header') c.expectHeaders.push([rest.slice(0, colon).trim().toLowerCase(), rest.slice(colon + 1).trim()]);
    else c.body.push(rest);
  }
  return out;
}

test('there are at least 20 real-world-shaped files, each with a request to run', () => {
  assert.ok(FILES.length >= 20, `${FILES.length} files`);
  for (const f of FILES) assert.ok(cases(readFileSync(new URL(f, DIR), 'utf8')).length > 0, f);
});

for (const file of FILES) {
  test(`${file} lints clean as one file of a service`, () => {
    const parsed = parse(readFileSync(new URL(file, DIR), 'utf8'), file);
    const problems = [...parsed.diagnostics, ...check(parsed, { fragment: true })].filter((d) => d.severity !== 'info');
    assert.deepEqual(problems.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`), []);
  });
}

test('each real-world-shaped file runs at the edge and answers its requests as its comments say', async (t) => {
  const lq = await startEdgeStack(t);
  const o = await origin(t, (req, res) => {
    const url = req.url ?? '/';
    const seen: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-') && typeof v === 'string') seen[`x-seen-${k.slice(2)}`] = v;
    const status = /^\/status\/(\d{3})/.exec(url);
    if (url.startsWith('/cookies')) {
      res.writeHead(200, { ...seen, 'cache-control': 'max-age=60', 'set-cookie': ['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/'] });
      res.end(`origin ${req.method ?? ''} ${url}`);
    } else if (url.startsWith('/html')) {
      res.writeHead(200, { ...seen, 'cache-control': 'max-age=60', 'content-type': 'text/html' });
      res.end(url.startsWith('/html/fragment') ? 'FRAGMENT' : '<p>page</p><esi:include src="/html/fragment"/>');
    } else {
      res.writeHead(status === null ? 200 : Number(status[1]), { ...seen, 'cache-control': 'max-age=60', 'surrogate-control': 'max-age=600', server: 'origin-server', 'x-powered-by': 'php' });
      res.end(`origin ${req.method ?? ''} ${url}`);
    }
  });
  const failures: string[] = [];
  for (const file of FILES) {
    const text = readFileSync(new URL(file, DIR), 'utf8');
    const host = `${file.replace(/\.vcl$/, '')}.example`;
    await lq.createService({ domains: [host], backends: [{ name: 'origin', address: '127.0.0.1', port: o.port }], vcl: text });
    for (const c of cases(text)) {
      const r = await lq.edge(host, { method: c.method, path: c.path, headers: c.headers });
      const where = `${file} ${c.method} ${c.path}`;
      if (c.status !== null && r.status !== c.status) failures.push(`${where}: status ${r.status}, expected ${c.status} (${r.body.slice(0, 120)})`);
      for (const [name, want] of c.expectHeaders) {
        const got = r.headers[name];
        const text = got === undefined ? '<absent>' : Array.isArray(got) ? got.join(' | ') : got;
        if (text !== want) failures.push(`${where}: ${name} is ${text}, expected ${want}`);
      }
      for (const part of c.body) if (!r.body.includes(part)) failures.push(`${where}: body ${JSON.stringify(r.body.slice(0, 200))} lacks ${JSON.stringify(part)}`);
    }
  }
  assert.deepEqual(failures, []);
});
