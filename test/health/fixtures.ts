// Backend and probe definitions for health tests, with Varnish's probe defaults and
// Fastly's backend defaults; each test overrides only what it is about.

import net from 'node:net';
import tls from 'node:tls';
import { BACKEND_DEFAULTS, PROBE_DEFAULTS, defaultProbeRequest } from '../../src/model/backend.ts';
import type { BackendDefinition, ProbeDefinition } from '../../src/model/backend.ts';
import { probeBits } from '../../src/health/state.ts';
import type { BitLetter, ProbeResult } from '../../src/health/state.ts';

export function probeDef(over: Partial<ProbeDefinition> = {}): ProbeDefinition {
  return {
    dummy: false,
    request: defaultProbeRequest('/', 'origin.test'),
    expectedResponse: PROBE_DEFAULTS.expectedResponse,
    intervalMs: PROBE_DEFAULTS.intervalMs,
    timeoutMs: PROBE_DEFAULTS.timeoutMs,
    window: PROBE_DEFAULTS.window,
    threshold: PROBE_DEFAULTS.threshold,
    initial: PROBE_DEFAULTS.threshold - 1,
    ...over,
  };
}

export function backendDef(over: Partial<BackendDefinition> = {}): BackendDefinition {
  return {
    name: 'F_origin', shareKey: 'svc1', dynamic: true, host: '127.0.0.1', port: BACKEND_DEFAULTS.port,
    ssl: false, sslCertHostname: null, sslSniHostname: null, sslCheckCert: true, sslCaCert: null,
    minTlsVersion: null, maxTlsVersion: null, sslCiphers: null,
    connectTimeoutMs: BACKEND_DEFAULTS.connectTimeoutMs, firstByteTimeoutMs: BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: BACKEND_DEFAULTS.betweenBytesTimeoutMs, maxConnections: BACKEND_DEFAULTS.maxConnections,
    hostHeader: null, alwaysUseHostHeader: false, keepaliveTimeMs: null, preferIpv6: false,
    errorThreshold: BACKEND_DEFAULTS.errorThreshold, probe: probeDef(),
    ...over,
  };
}

/** A probe result with the given bits set (a happy HTTP probe by default). */
export function result(letters: BitLetter[] = ['4', 'X', 'R', 'H'], over: Partial<ProbeResult> = {}): ProbeResult {
  const happy = letters.includes('H');
  return {
    outcome: happy ? 'happy' : 'bad_status', bits: probeBits(letters), rttMs: letters.includes('R') ? 1 : 0,
    response: happy ? 'HTTP/1.1 200 OK' : 'HTTP/1.1 500 Internal Server Error', startedAt: 0, durationMs: 1,
    ...over,
  };
}
export const GOOD = result();
export const BAD = result(['4', 'X', 'R']);

/** What one connection of a scripted origin does. */
export type OriginStep = (socket: net.Socket, request: string) => void;

/** Answers `text` and closes, as an HTTP/1.1 origin told `Connection: close` does. */
export const answer = (text: string): OriginStep => (socket) => socket.end(text);

export interface Origin {
  readonly port: number;
  /** Requests (the bytes up to the blank line) in arrival order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A TCP origin on 127.0.0.1 (or another loopback `host`) that plays `script[n]` for its n-th connection (the last step
 * repeats), after reading the request head. Sockets it still holds are destroyed on close.
 */
export async function scriptedOrigin(
  script: OriginStep | OriginStep[],
  opts: { server?: net.Server; host?: string; port?: number } = {},
): Promise<Origin> {
  const steps = Array.isArray(script) ? script : [script];
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = opts.server ?? net.createServer();
  const connectionEvent = server instanceof tls.Server ? 'secureConnection' : 'connection';
  server.on(connectionEvent, (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      answered = true;
      const n = requests.push(head);
      steps[Math.min(n - 1, steps.length - 1)](socket, head);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
