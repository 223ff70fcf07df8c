// One probe on the wire, the way Varnish 7.1's vbp_poke (cache_backend_probe.c) does it:
// open, send the request, read until the origin closes keeping the first bytes, judge the
// status line. One deadline (`.timeout`) covers everything, including what Varnish does not
// do: a DNS lookup at every probe (Fastly resolves dynamic backends, so a DNS change is seen)
// and TLS (Fastly's `.ssl` backends are probed over TLS). `.dummy = true` (Fastly) only
// resolves the host. This module owns sockets and one timer per probe, never health state.

import net from 'node:net';
import tls from 'node:tls';
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { BackendDefinition, ProbeDefinition } from '../model/backend.ts';
import type { BitLetter, ProbeOutcome, ProbeResult } from './state.ts';
import { KEPT_RESPONSE_BYTES, statusLine, statusMatches } from './statusline.ts';
import { errnoText } from './errno.ts';

export interface LookupAddress {
  readonly address: string;
  readonly family: 4 | 6;
}
/** Resolves a host name to its addresses; injectable so tests can change DNS. */
export type LookupFn = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface ProbeOptions {
  readonly lookup?: LookupFn;
  /** Wall clock in epoch ms (defaults to wallClock). */
  readonly now?: () => number;
}

/** Epoch ms with sub-millisecond resolution: Varnish logs rtt to the microsecond. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

export const systemLookup: LookupFn = async (hostname) => {
  const all = await dns.promises.lookup(hostname, { all: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const requestBytes = new WeakMap<ProbeDefinition, Buffer>();

/** Each `.request` line ended by CRLF, then a final CRLF (vcl-probe(7)); built once per definition. */
export function probeRequestBytes(probe: ProbeDefinition): Buffer {
  let bytes = requestBytes.get(probe);
  if (bytes === undefined) {
    bytes = Buffer.from(probe.request.map((line) => `${line}\r\n`).join('') + '\r\n', 'latin1');
    requestBytes.set(probe, bytes);
  }
  return bytes;
}

/** The addresses to try, in Varnish's order: the preferred family first, one of each. */
function candidates(addresses: readonly LookupAddress[], preferIpv6: boolean): LookupAddress[] {
  const v4 = addresses.find((a) => a.family === 4);
  const v6 = addresses.find((a) => a.family === 6);
  const order = preferIpv6 ? [v6, v4] : [v4, v6];
  return order.filter((a): a is LookupAddress => a !== undefined);
}

const secureContexts = new LRUCache<string, tls.SecureContext>({ max: 256 });

function secureContext(b: BackendDefinition): tls.SecureContext {
  const key = JSON.stringify([b.sslCaCert, b.minTlsVersion, b.maxTlsVersion, b.sslCiphers]);
  let ctx = secureContexts.get(key);
  if (ctx === undefined) {
    const version = (v: string | null): tls.SecureVersion | undefined => (v === null ? undefined : `TLSv${v}` as tls.SecureVersion);
    ctx = tls.createSecureContext({
      // `.ssl_ca_cert` adds to the trusted roots; it does not replace them.
      ca: b.sslCaCert === null ? undefined : [...tls.rootCertificates, b.sslCaCert],
      minVersion: version(b.minTlsVersion),
      maxVersion: version(b.maxTlsVersion),
      ciphers: b.sslCiphers ?? undefined,
    });
    secureContexts.set(key, ctx);
  }
  return ctx;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? String(err);
}

type Phase = 'dns' | 'open' | 'tls' | 'xmit' | 'recv';

/**
 * Plain-TCP probes read into this one buffer (net.connect `onread`): the bytes are looked at
 * inside the callback and only the first 127 are copied out, so a probe allocates no chunk per
 * read. Sharing it is safe because each callback runs to completion before the next read.
 */
const readBuffer = Buffer.allocUnsafe(16 * 1024);

/** Probes `backend` once. Never rejects: every failure is a ProbeResult. */
export function runProbe(backend: BackendDefinition, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const probe = backend.probe;
  if (probe === null) throw new Error(`backend ${backend.name} has no probe`);
  const now = opts.now ?? wallClock;
  const lookup = opts.lookup ?? systemLookup;
  const started = now();
  const deadline = started + probe.timeoutMs;

  return new Promise<ProbeResult>((resolve) => {
    // The bits this probe sets, as one object filled in place (Varnish sets them one by one too).
    const bits: Record<BitLetter, boolean> = { '4': false, '6': false, U: false, x: false, X: false, r: false, R: false, H: false };
    let phase: Phase = 'dns';
    let socket: net.Socket | null = null;
    let settled = false;
    // Allocated at the first byte: most failures never read one.
    let kept: Buffer | null = null;
    let received = 0;

    const finish = (outcome: ProbeOutcome, response: string, rttMs = 0, at?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      const end = at ?? now();
      resolve({ outcome, bits, rttMs, response, startedAt: started, durationMs: end - started });
    };

    /** Varnish computes `tmo = round((t_end - t_now) * 1e3)` and gives up when it is ≤ 0. */
    const overdue = (at: number = now()): number | null => {
      const left = deadline - at;
      return Math.round(left) <= 0 ? -left : null;
    };

    const onDeadline = (): void => {
      switch (phase) {
        case 'dns': return finish('dns_error', 'DNS lookup failed (timeout)');
        // VTCP_connect's poll() ran out: errno = ETIMEDOUT.
        case 'open': return finish('open_timeout', `Open error ${errnoText('ETIMEDOUT')}`);
        case 'tls': bits.x = true; return finish('tls_error', `SSL handshake error ${errnoText('ETIMEDOUT')}`);
        // The read loop's poll() returned 0: errno = ETIMEDOUT, err_recv.
        case 'xmit':
        case 'recv': bits.r = true; return finish('recv_timeout', `Poll error ${errnoText('ETIMEDOUT')}`);
      }
    };
    const timer = setTimeout(onDeadline, Math.max(0, probe.timeoutMs));

    const onError = (err: unknown): void => {
      const code = errCode(err);
      switch (phase) {
        case 'open': return finish('open_error', `Open error ${errnoText(code)}`);
        case 'tls': bits.x = true; return finish('tls_error', `SSL handshake error (${code})`);
        case 'xmit': bits.x = true; return finish('xmit_error', `Write error ${errnoText(code)}`);
        default: bits.r = true; return finish('recv_error', `Read error ${errnoText(code)}`);
      }
    };

    const pollTimeout = (late: number): void => {
      bits.r = true;
      finish('recv_timeout', `Poll timeout ${seconds(probe.timeoutMs)}s exceeded by ${seconds(late)}s`);
    };

    /** Keeps the first bytes of the answer; false once the deadline has passed. */
    const onBytes = (chunk: Buffer, length: number): boolean => {
      if (settled) return false;
      if (received < KEPT_RESPONSE_BYTES + 1) {
        kept ??= Buffer.allocUnsafe(KEPT_RESPONSE_BYTES + 1);
        chunk.copy(kept, received, 0, Math.min(length, KEPT_RESPONSE_BYTES + 1 - received));
      }
      received += length;
      const late = overdue();
      if (late === null) return true;
      pollTimeout(late);
      return false;
    };

    const onEnd = (): void => {
      if (settled) return;
      // One clock reading judges the deadline, gives the rtt and ends the probe.
      const at = now();
      const late = overdue(at);
      if (late !== null) return pollTimeout(late);
      if (received === 0 || kept === null) return finish('empty', 'Empty response', 0, at);
      bits.R = true;
      const rtt = at - started;
      const line = statusLine(kept.subarray(0, Math.min(received, KEPT_RESPONSE_BYTES + 1)));
      if (statusMatches(line, probe.expectedResponse)) {
        bits.H = true;
        return finish('happy', line, rtt, at);
      }
      return finish('bad_status', line, rtt, at);
    };

    const onWritten = (err?: Error | null): void => {
      if (settled || err) return;
      bits.X = true;
      if (phase === 'xmit') phase = 'recv';
    };

    /** Sends the request; the answer arrives through onBytes and onEnd. */
    const converse = (s: net.Socket): void => {
      phase = 'xmit';
      s.on('end', onEnd);
      s.write(probeRequestBytes(probe), onWritten);
    };

    const open = (targets: LookupAddress[], lastError: string): void => {
      const target = targets.shift();
      if (target === undefined) return finish('open_error', `Open error ${errnoText(lastError)}`);
      phase = 'open';
      const tcp = net.connect({
        host: target.address, port: backend.port, family: target.family,
        // Plain TCP reads straight into the shared buffer; TLS needs the socket's own stream.
        onread: backend.ssl ? undefined : { buffer: readBuffer, callback: (n: number, buf: Uint8Array) => onBytes(buf as Buffer, n) },
      });
      socket = tcp;
      // One 'error' listener for the socket's whole life: the phase says what failed.
      tcp.on('error', (err) => {
        if (settled) return;
        if (phase === 'open') {
          tcp.destroy();
          // Like Varnish's connection pool, fall back to the other address family.
          if (targets.length > 0) return open(targets, errCode(err));
        }
        onError(err);
      });
      tcp.on('connect', () => {
        if (settled) return;
        bits[target.family === 6 ? '6' : '4'] = true;
        const late = overdue();
        if (late !== null) return finish('open_timeout', `Open timeout ${seconds(probe.timeoutMs)}s exceeded by ${seconds(late)}s`);
        if (!backend.ssl) return converse(tcp);
        startTls(tcp);
      });
    };

    const startTls = (tcp: net.Socket): void => {
      phase = 'tls';
      const sni = backend.sslSniHostname ?? backend.sslCertHostname ?? backend.host;
      const certHost = backend.sslCertHostname ?? backend.host;
      const secure = tls.connect({
        socket: tcp,
        secureContext: secureContext(backend),
        // RFC 6066 §3: SNI carries host names only, never address literals.
        servername: net.isIP(sni) === 0 ? sni : undefined,
        // Verification is done below so that its failure has its own text.
        rejectUnauthorized: false,
      });
      socket = secure;
      secure.on('error', onError);
      secure.once('secureConnect', () => {
        if (settled) return;
        if (backend.sslCheckCert) {
          const failure = secure.authorized
            ? tls.checkServerIdentity(certHost, secure.getPeerCertificate())
            : secure.authorizationError;
          if (failure !== undefined) {
            bits.x = true;
            return finish('tls_error', `Certificate verification failed (${errCode(failure)})`);
          }
        }
        secure.on('data', (chunk: Buffer) => onBytes(chunk, chunk.length));
        converse(secure);
      });
    };

    const family = net.isIP(backend.host);
    if (family !== 0 && !probe.dummy) {
      // An address literal needs no lookup: connect now rather than a promise turn later.
      open([{ address: backend.host, family: family === 6 ? 6 : 4 }], 'ECONNREFUSED');
      return;
    }
    const resolved: Promise<readonly LookupAddress[]> = family !== 0
      ? Promise.resolve([{ address: backend.host, family: family === 6 ? 6 : 4 }])
      : lookup(backend.host);
    resolved.then((addresses) => {
      if (settled) return;
      const targets = candidates(addresses, backend.preferIpv6);
      if (targets.length === 0) return finish('dns_error', 'DNS lookup failed (ENODATA)');
      if (probe.dummy) {
        bits[targets[0].family === 6 ? '6' : '4'] = true;
        bits.H = true;
        return finish('happy', `DNS OK ${targets[0].address}`, now() - started);
      }
      open(targets, 'ECONNREFUSED');
    }, (err: unknown) => finish('dns_error', `DNS lookup failed (${errCode(err)})`));
  });
}
