// HTTPS at the edge side by side, in one run, on loopback, with one certificate (ECDSA P-256,
// made for the run by `openssl`) and one protocol policy (TLS 1.2–1.3, Mozilla intermediate's
// suites, the client's order, so every server negotiates the same suite with a given client):
//
//   lacquer  `--tls` listener (its edge workers, as `lacquer serve` runs them)
//   nginx    `listen … ssl http2` + proxy_cache
//   hitch + Varnish   hitch terminates TLS (ALPN h2, http/1.1) and hands Varnish the
//            connection over the PROXY protocol; Varnish caches (feature +http2)
//
// Scenarios, all on the same 1 KB object, cached after a warm-up:
//   hit-1k-keepalive   wrk, HTTPS/1.1 keep-alive requests
//   handshakes         wrk with `Connection: close`: one full handshake per request (wrk
//                      does not resume sessions)
//   h2-hit-1k          h2load, HTTP/2, 10 streams per connection
// Prints req/s per server and lacquer's ratio to hitch + Varnish (the target: ≥ 1.0 for the
// first two) and to nginx. Asserts nothing, exits 0 (STYLE.md habit 9).
//
//   node bench/macro/tls.bench.ts [--seconds 10] [--warmup 2] [--workers 1] [--connections 50] [--threads 2]

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { resolveServeOptions } from '../../src/process/options.ts';
import { startLacquer as startInProcess } from '../../src/process/primary.ts';
import { TLS12_CIPHERS } from '../../src/edge/tls/index.ts';
import { Cleanup, describeMachine, freePort, loadAverage, startOrigin, startProcess, type Server } from './lib/index.ts';

const HOST = 'localhost';
const TOOLS = ['/usr/bin/wrk', '/usr/bin/h2load', '/usr/sbin/nginx', '/usr/sbin/hitch', '/usr/sbin/varnishd', '/usr/bin/openssl'];
const SERVERS = ['lacquer', 'hitch+varnish', 'nginx'] as const;
type ServerName = (typeof SERVERS)[number];
const SCENARIOS = ['hit-1k-keepalive', 'handshakes', 'h2-hit-1k'] as const;
type Scenario = (typeof SCENARIOS)[number];

function run(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stdout.slice(-1500)}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function certificate(dir: string): { cert: string; key: string; pem: string } {
  const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bench CA']);
  sh(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${HOST}`]);
  writeFileSync(path.join(dir, 'leaf.ext'), `subjectAltName=DNS:${HOST}\n`);
  sh(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext']);
  const cert = readFileSync(path.join(dir, 'leaf.pem'), 'utf8');
  const key = readFileSync(path.join(dir, 'leaf.key'), 'utf8');
  writeFileSync(path.join(dir, 'leaf+key.pem'), cert + key);
  return { cert, key, pem: path.join(dir, 'leaf+key.pem') };
}

async function lacquer(cleanup: Cleanup, dir: string, workers: number, originPort: number, cert: { cert: string; key: string }): Promise<number> {
  const options = resolveServeOptions({
    edge: '127.0.0.1:0', tls: `127.0.0.1:${await freePort()}`, api: '127.0.0.1:0', db: `sqlite:${path.join(dir, 'lacquer.db')}`,
    workers: String(workers), token: 'bench', pop: 'bench', logLevel: 'silent',
  }, {});
  const running = await startInProcess(options, pino({ level: 'silent' }), {
    tlsMaterial: async () => ({ generation: 1, activations: [{ domain: HOST, certificateId: 'bench', certPem: cert.cert, keyPem: cert.key, notAfter: '' }] }),
  });
  cleanup.add('lacquer', () => running.stop());
  const call = async (method: string, route: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${running.apiUrl}${route}`, { method, headers: { 'fastly-key': 'bench', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`lacquer API ${method} ${route}: ${res.status} ${await res.text()}`);
    return await res.json() as { id: string };
  };
  const sid = (await call('POST', '/service', { name: 'tls-bench' })).id;
  await call('POST', `/service/${sid}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: originPort });
  await call('POST', `/service/${sid}/version/1/domain`, { name: HOST });
  await call('PUT', `/service/${sid}/version/1/activate`);
  const deadline = Date.now() + 10_000;
  while (running.published(sid) !== 1) {
    if (Date.now() > deadline) throw new Error('lacquer: the service did not reach the edge');
    await new Promise((r) => setTimeout(r, 20));
  }
  return running.tlsPort as number;
}

async function nginx(cleanup: Cleanup, dir: string, workers: number, originPort: number, cert: { pem: string }): Promise<Server & { port: number }> {
  const port = await freePort();
  const p = (name: string) => path.join(dir, name);
  mkdirSync(p('nginx-tmp'), { recursive: true });
  writeFileSync(p('nginx.conf'), [
    process.getuid?.() === 0 ? 'user root;' : '', 'daemon off;', 'master_process on;', `worker_processes ${workers};`, `pid ${p('nginx.pid')};`,
    `error_log ${p('nginx-error.log')} warn;`, 'events { worker_connections 4096; }', 'http {', `  access_log off;`, '  keepalive_requests 1000000;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${p(`nginx-tmp/${k}`)};`),
    `  proxy_cache_path ${p('nginx-cache')} levels=1:2 keys_zone=bench:16m max_size=256m inactive=1h use_temp_path=off;`,
    `  upstream origin { server 127.0.0.1:${originPort}; keepalive 64; }`,
    `  server { listen 127.0.0.1:${port} ssl http2; ssl_certificate ${cert.pem}; ssl_certificate_key ${cert.pem};`,
    `    ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ${TLS12_CIPHERS.join(':')}; ssl_prefer_server_ciphers off; ssl_session_tickets on;`,
    '    location / { proxy_cache bench; proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }',
    '}', '',
  ].join('\n'));
  const server = startProcess(cleanup, 'nginx', '/usr/sbin/nginx', ['-p', dir, '-c', p('nginx.conf'), '-e', p('nginx-error.log')], { logFile: p('nginx.log') });
  return Object.assign(server, { port });
}

async function hitchVarnish(cleanup: Cleanup, dir: string, workers: number, originPort: number, cert: { pem: string }): Promise<number> {
  const port = await freePort();
  const varnishPort = await freePort();
  const p = (name: string) => path.join(dir, name);
  writeFileSync(p('varnish.vcl'), `vcl 4.1;\nbackend origin {\n  .host = "127.0.0.1";\n  .port = "${originPort}";\n}\n`);
  const root = process.getuid?.() === 0;
  startProcess(cleanup, 'varnish', '/usr/sbin/varnishd', [
    ...(root ? ['-j', 'none'] : []), '-F', '-n', p('varnish'), '-a', `127.0.0.1:${varnishPort},PROXY`, '-T', 'none', '-f', p('varnish.vcl'),
    '-s', 'malloc,256m', '-p', `thread_pools=${workers}`, '-p', 'feature=+http2',
  ], { logFile: p('varnish.log') });
  writeFileSync(p('hitch.conf'), [
    `frontend = "[127.0.0.1]:${port}"`, `backend = "[127.0.0.1]:${varnishPort}"`, `pem-file = "${cert.pem}"`, `workers = ${workers}`,
    'write-proxy-v2 = on', 'alpn-protos = "h2, http/1.1"', 'tls-protos = TLSv1.2 TLSv1.3', `ciphers = "${TLS12_CIPHERS.join(':')}"`,
    'prefer-server-ciphers = off', 'daemon = off', ...(root ? ['user = "root"'] : []), '',
  ].join('\n'));
  startProcess(cleanup, 'hitch', '/usr/sbin/hitch', ['--config', p('hitch.conf')], { logFile: p('hitch.log') });
  return port;
}

/** The suite a default client negotiates with the server (the same for every server, or the comparison is off). */
async function negotiated(port: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, servername: HOST, rejectUnauthorized: false }, () => {
          resolve(`${s.getProtocol() ?? ''} ${s.getCipher().name}`);
          s.destroy();
        });
        s.on('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function measure(scenario: Scenario, port: number, o: { seconds: number; connections: number; threads: number }): Promise<number> {
  const url = `https://${HOST}:${port}/1k`;
  if (scenario === 'h2-hit-1k') {
    const out = await run('/usr/bin/h2load', ['-D', String(o.seconds), '-c', String(o.connections), '-m', '10', '-t', String(o.threads), url], (o.seconds + 30) * 1000);
    const m = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out);
    if (m === null || !/status codes: \d+ 2xx, 0 3xx, 0 4xx, 0 5xx/.test(out)) throw new Error(`h2load: unexpected output\n${out}`);
    return Number(m[1]);
  }
  const extra = scenario === 'handshakes' ? ['-H', 'Connection: close'] : [];
  const out = await run('/usr/bin/wrk', ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`, ...extra, url], (o.seconds + 30) * 1000);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (m === null) throw new Error(`wrk: unexpected output\n${out}`);
  if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk: error responses\n${out}`);
  return Number(m[1]);
}

async function main(cleanup: Cleanup): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' }, workers: { type: 'string', default: '1' },
      connections: { type: 'string', default: '50' }, threads: { type: 'string', default: '2' },
    },
  });
  const o = { seconds: Number(values.seconds), connections: Number(values.connections), threads: Number(values.threads) };
  const workers = Number(values.workers);
  const missing = TOOLS.filter((t) => !existsSync(t));
  if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')} (Debian packages wrk, nghttp2-client, nginx, hitch, varnish, openssl)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-tls-bench-'));
  cleanup.add('temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const cert = certificate(dir);
  const origin = await startOrigin(cleanup, dir, workers);
  const ports: Record<ServerName, number> = {
    lacquer: await lacquer(cleanup, dir, workers, origin.port, cert),
    'hitch+varnish': await hitchVarnish(cleanup, dir, workers, origin.port, cert),
    nginx: (await nginx(cleanup, dir, workers, origin.port, cert)).port,
  };
  console.log(describeMachine());
  console.log(`run      ${o.threads} client threads, ${o.connections} connections, ${o.seconds} s per run after ${values.warmup} s warm-up; ${workers} worker(s) per server; load average before ${loadAverage()}`);
  for (const name of SERVERS) console.log(`${name.padEnd(14)} negotiates ${await negotiated(ports[name])}`);
  for (const name of SERVERS) await measure('hit-1k-keepalive', ports[name], { ...o, seconds: Number(values.warmup) });

  const results = new Map<string, number>();
  for (const scenario of SCENARIOS) {
    for (const name of SERVERS) {
      try {
        results.set(`${scenario} ${name}`, await measure(scenario, ports[name], o));
      } catch (err) {
        // One failed run leaves a gap in the table, not the whole bench.
        console.error(`${scenario} ${name}: ${(err as Error).message.split('\n')[0]}`);
        results.set(`${scenario} ${name}`, Number.NaN);
      }
    }
  }
  console.log(`load average after ${loadAverage()}\n`);
  console.log(`${'scenario'.padEnd(18)}${SERVERS.map((s) => s.padStart(16)).join('')}   lacquer/hitch+varnish   lacquer/nginx`);
  for (const scenario of SCENARIOS) {
    const r = (s: ServerName) => results.get(`${scenario} ${s}`) ?? 0;
    console.log(`${scenario.padEnd(18)}${SERVERS.map((s) => `${r(s).toFixed(0)} req/s`.padStart(16)).join('')}   ${(r('lacquer') / r('hitch+varnish')).toFixed(2).padStart(21)}   ${(r('lacquer') / r('nginx')).toFixed(2).padStart(13)}`);
  }
}

const cleanup = new Cleanup();
cleanup.installSignalHandlers();
try {
  await main(cleanup);
} catch (err) {
  if (!cleanup.interrupted) console.error(`tls bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup.run();
  // The in-process lacquer's cluster workers and timers are stopped; exit even if a handle lingers.
  process.exit();
}
