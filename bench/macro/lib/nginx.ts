// nginx baseline: one master with <workers> worker processes and two listeners on 127.0.0.1,
// one per mode, both in front of the same keep-alive upstream pool:
//
// - pass:  proxy_pass, HTTP/1.1 to the origin with keep-alive (`keepalive 64`);
// - cache: the same plus `proxy_cache` (on disk in the temp dir, 256 MB max).
//
// Every path nginx writes (pid, logs, temp and cache dirs) is in the run's temp dir. Settings
// follow Debian's shipped nginx.conf (sendfile on, an access log) except tcp_nopush: with it,
// 100 KB hits over loopback ran 8x slower here (TCP_CORK holding the last partial segment).
// keepalive_requests is raised on both sides so no run measures nginx closing a connection
// every 1,000 requests (its default), which neither lacquer nor Varnish does.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cleanup } from './cleanup.ts';
import { freePort, startProcess, waitReady, type Server } from './proc.ts';

export interface Nginx {
  readonly server: Server;
  readonly passUrl: string;
  readonly cacheUrl: string;
}

export const NGINX = '/usr/sbin/nginx';

function config(dir: string, workers: number, originPort: number, passPort: number, cachePort: number): string {
  const p = (name: string) => path.join(dir, name);
  const proxy = [
    'proxy_pass http://origin;',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
  ];
  return [
    // As root the workers would run as "nobody", which cannot enter our private temp dir.
    process.getuid?.() === 0 ? 'user root;' : '',
    'daemon off;',
    'master_process on;',
    `worker_processes ${workers};`,
    `pid ${p('nginx.pid')};`,
    `error_log ${p('nginx-error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    `  access_log ${p('nginx-access.log')};`,
    '  sendfile on;',
    '  keepalive_requests 1000000;',
    `  client_body_temp_path ${p('nginx-tmp/client')};`,
    `  proxy_temp_path ${p('nginx-tmp/proxy')};`,
    `  fastcgi_temp_path ${p('nginx-tmp/fastcgi')};`,
    `  uwsgi_temp_path ${p('nginx-tmp/uwsgi')};`,
    `  scgi_temp_path ${p('nginx-tmp/scgi')};`,
    `  proxy_cache_path ${p('nginx-cache')} levels=1:2 keys_zone=bench:16m max_size=256m inactive=1h use_temp_path=off;`,
    `  upstream origin { server 127.0.0.1:${originPort}; keepalive 64; keepalive_requests 1000000; keepalive_timeout 60s; }`,
    `  server { listen 127.0.0.1:${passPort}; location / { ${proxy.join(' ')} } }`,
    `  server { listen 127.0.0.1:${cachePort}; location / { proxy_cache bench; ${proxy.join(' ')} } }`,
    '}',
    '',
  ].join('\n');
}

export async function startNginx(cleanup: Cleanup, dir: string, workers: number, originPort: number): Promise<Nginx> {
  const passPort = await freePort();
  const cachePort = await freePort();
  mkdirSync(path.join(dir, 'nginx-tmp'), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, workers, originPort, passPort, cachePort));
  // -e: the error log before the config is read, so nothing is written under /var/log.
  const server = startProcess(cleanup, 'nginx', NGINX, ['-p', dir, '-c', conf, '-e', path.join(dir, 'nginx-error.log')],
    { logFile: path.join(dir, 'nginx.log') });
  const passUrl = `http://127.0.0.1:${passPort}`;
  const cacheUrl = `http://127.0.0.1:${cachePort}`;
  await waitReady(server, `${passUrl}/1k/ready`, null);
  await waitReady(server, `${cacheUrl}/1k/ready`, null);
  return { server, passUrl, cacheUrl };
}
