// Origins that misbehave on purpose, on 127.0.0.1 only, and a backend builder with Fastly's
// defaults. Every helper registers its own cleanup with the calling test (`t.after`).

import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import dnsPacket from 'dns-packet';
import { generate } from 'selfsigned';
import { BACKEND_DEFAULTS, type BackendDefinition } from '../../src/model/backend.ts';

export function backend(overrides: Partial<BackendDefinition> = {}): BackendDefinition {
  return {
    name: 'origin', shareKey: 'test', dynamic: true, host: '127.0.0.1', port: 80, ssl: false,
    sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null,
    minTlsVersion: null, maxTlsVersion: null, sslCiphers: null,
    connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: BACKEND_DEFAULTS.betweenBytesTimeoutMs, maxConnections: BACKEND_DEFAULTS.maxConnections,
    hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: null, preferIpv6: false,
    errorThreshold: 0, probe: null,
    ...overrides,
  };
}

export function portOf(server: NetServer | HttpServer): number {
  return (server.address() as AddressInfo).port;
}

/** A plain HTTP origin; `handler` is the origin script. */
export async function httpOrigin(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: HttpServer; port: number }> {
  const server = createHttpServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: portOf(server) };
}

/** A raw TCP origin for answers that are not HTTP, or no answer at all. */
export async function tcpOrigin(t: TestContext, onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return portOf(server);
}

/** A port that was listening a moment ago and is now closed: connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = portOf(server);
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A listener whose accept queue is full, so the kernel drops further SYNs and a connect attempt
 * times out. The listener lives in a child Node process that blocks its own event loop right
 * after listen(backlog 1), so it never accepts; we then fill the queue with idle connections.
 */
export async function fullBacklogPort(t: TestContext): Promise<number> {
  const script = `
    const net = require('node:net');
    const fs = require('node:fs');
    const s = net.createServer();
    s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      fs.writeSync(1, s.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const fillers: Socket[] = [];
  t.after(() => {
    for (const f of fillers) f.destroy();
    child.kill('SIGKILL');
  });
  const [line] = await once(child.stdout, 'data') as [Buffer];
  const port = Number(String(line).trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`backlog child did not report a port: ${String(line)}`);
  // Linux completes backlog + 1 handshakes into the accept queue; then it drops SYNs.
  for (let i = 0; i < 3; i++) {
    const f = connect(port, '127.0.0.1');
    f.on('error', () => {});
    fillers.push(f);
  }
  await Promise.race([once(fillers[1], 'connect'), new Promise((r) => setTimeout(r, 500))]);
  return port;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** A self-signed certificate (EC P-256, made now) whose SAN lists `names`. */
export async function selfSignedCert(names: readonly string[]): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2 as const, value })) }],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * An authoritative DNS server on 127.0.0.1 (UDP) answering A queries from `records`
 * (mutable, so a test can change an answer), NXDOMAIN for unknown names, NODATA otherwise.
 */
export async function dnsServer(t: TestContext, records: Map<string, string>, ttlSeconds = 1): Promise<{ port: number; queries: string[] }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (question === undefined) return;
    queries.push(`${question.type} ${question.name}`);
    const address = records.get(question.name.toLowerCase());
    const answers: dnsPacket.Answer[] = address !== undefined && question.type === 'A'
      ? [{ type: 'A', name: question.name, class: 'IN', ttl: ttlSeconds, data: address }]
      : [];
    const rcode = address === undefined ? 3 : 0; // RFC 1035 §4.1.1: 3 = NXDOMAIN
    const reply = dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question], answers,
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.after(() => socket.close());
  return { port: socket.address().port, queries };
}
