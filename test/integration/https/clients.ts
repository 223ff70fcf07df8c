// Clients of the edge's HTTPS listener for scenario tests: node's own (HTTP/1.1 and HTTP/2, for
// exact status lines and fields), curl and `openssl s_client` (real clients, run as written).

import { execFile } from 'node:child_process';
import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';
import type http from 'node:http';

export interface HttpsReply {
  /** `HTTP/1.1 503 Connection refused`; `HTTP/2 503` (HTTP/2 has no reason phrase). */
  readonly statusLine: string;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpsRequest {
  readonly port: number;
  /** The SNI and Host. */
  readonly host: string;
  readonly ca: string;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly h2?: boolean;
}

/** One request on its own HTTPS connection, HTTP/1.1 or HTTP/2. */
export function httpsRequest(r: HttpsRequest): Promise<HttpsReply> {
  return r.h2 === true ? h2Request(r) : h1Request(r);
}

function h1Request(r: HttpsRequest): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: r.port, servername: r.host, ca: r.ca, agent: false, method: r.method ?? 'GET', path: r.path ?? '/',
      // No ALPN offered: the edge takes such a client as HTTP/1.1.
      headers: { host: r.host, ...r.headers }, timeout: 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        statusLine: `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`,
        status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('HTTPS request took more than 10 s')));
    req.end();
  });
}

function h2Request(r: HttpsRequest): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${r.host}:${r.port}`, {
      createConnection: () => tls.connect({ host: '127.0.0.1', port: r.port, servername: r.host, ca: r.ca, ALPNProtocols: ['h2'] }),
    });
    session.on('error', reject);
    // The same Host as the HTTP/1.1 client sends (node:http2 would add the port).
    const stream = session.request({ ':method': r.method ?? 'GET', ':path': r.path ?? '/', ':authority': r.host, ...r.headers });
    const chunks: Buffer[] = [];
    let headers: http.IncomingHttpHeaders = {};
    let status = 0;
    stream.on('response', (fields) => {
      status = Number(fields[':status']);
      headers = Object.fromEntries(Object.entries(fields).filter(([k]) => !k.startsWith(':'))) as http.IncomingHttpHeaders;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      session.close();
      resolve({ statusLine: `HTTP/2 ${status}`, status, headers, body: Buffer.concat(chunks).toString('utf8') });
    });
    stream.on('error', (err) => {
      session.destroy();
      reject(err);
    });
    stream.setTimeout(10_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.end();
  });
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command line tool with no input; never rejects (the exit code is in the result). */
export function tool(command: string, args: readonly string[], timeoutMs = 15_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** `curl --cacert` to `https://host:port/path` resolved to 127.0.0.1, printing the response head and body. */
export function curl(port: number, host: string, ca: string, path: string, extra: readonly string[]): Promise<ToolResult> {
  return tool('curl', ['-sS', '-i', '--max-time', '10', '--cacert', ca, '--resolve', `${host}:${port}:127.0.0.1`, ...extra, `https://${host}:${port}${path}`]);
}

/** `openssl s_client` to the port, with `-servername` when a name is given (else `-noservername`). */
export function sClient(port: number, servername: string | null, extra: readonly string[] = []): Promise<ToolResult> {
  return tool('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...(servername === null ? ['-noservername'] : ['-servername', servername]), ...extra]);
}
