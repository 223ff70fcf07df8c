// One probe on the wire, the way Varnish 7.1's vbp_poke (cache_backend_probe.c) does it:
// open, send the request, read until the origin closes keeping the first bytes, judge the
// status line. One deadline (`.timeout`) covers everything, including what Varnish does not
// do: a DNS lookup at every probe (Fastly resolves dynamic backends, so a DNS change is seen)
// and TLS (Fastly's `.ssl` backends are probed over TLS). `.dummy = true` (Fastly) only
// resolves the host. This module owns sockets and one timer per probe, never health state.
//
// A POP runs thousands of probes a second, so one probe is one ProbeRun object: its sockets
// find it through a field, and the socket listeners are module-level functions that take the
// socket as `this`, so a probe allocates no closures. The registry calls startProbe with a
// callback; runProbe is the same probe as a promise. Invariants: a run settles once, in
// finish(), which destroys its socket, stops its timer and reports; every handler of a
// settled run returns at once; `phase` says which of Varnish's error texts a failure gets.

import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { BackendDefinition, ProbeDefinition } from '../model/backend.ts';
import type { BitLetter, ProbeBits, ProbeOutcome, ProbeResult } from './state.ts';
import { KEPT_RESPONSE_BYTES, statusLine, statusMatches } from './statusline.ts';
import { errnoText } from './errno.ts';
import { candidates, probeRequestBytes, secureContext, systemLookup } from './probe-inputs.ts';
import type { LookupAddress, LookupFn } from './probe-inputs.ts';

export { probeRequestBytes, systemLookup };
export type { LookupAddress, LookupFn };

export interface ProbeOptions {
  readonly lookup?: LookupFn;
  /** Wall clock in epoch ms (defaults to wallClock). */
  readonly now?: () => number;
}

// Read once: the getter makes a new number each time, and the clock is read several times a probe.
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch ms with sub-millisecond resolution: Varnish logs rtt to the microsecond. */
export const wallClock = (): number => TIME_ORIGIN + performance.now();

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? String(err);
}

type Phase = 'dns' | 'open' | 'tls' | 'xmit' | 'recv';

export type ProbeCallback = (result: ProbeResult) => void;

// The register bits a probe sets, as a mask over BIT_LETTERS' order; each of the 256 masks has
// one frozen ProbeBits object, so a result carries its bits without allocating them.
const BIT = { '4': 1, '6': 2, U: 4, x: 8, X: 16, r: 32, R: 64, H: 128 } as const satisfies Record<BitLetter, number>;
const BITS_BY_MASK: readonly ProbeBits[] = Array.from({ length: 256 }, (_, m) => Object.freeze({
  '4': (m & BIT['4']) !== 0, '6': (m & BIT['6']) !== 0, U: (m & BIT.U) !== 0, x: (m & BIT.x) !== 0,
  X: (m & BIT.X) !== 0, r: (m & BIT.r) !== 0, R: (m & BIT.R) !== 0, H: (m & BIT.H) !== 0,
}));

/**
 * Plain-TCP probes read into this one buffer (net.Socket `onread`): the bytes are looked at
 * inside the callback and at most the first 128 are kept, so a probe allocates no chunk per
 * read. Sharing it is safe because each callback runs to completion before the next read.
 */
const readBuffer = Buffer.allocUnsafe(16 * 1024);

/** A probe's TCP socket, pointing back at its run. */
class ProbeSocket extends net.Socket {
  readonly run: ProbeRun;
  constructor(run: ProbeRun, plain: boolean) {
    // Plain TCP reads straight into the shared buffer; TLS needs the socket's own stream.
    // allowHalfOpen: the probe closes the socket itself when the origin's FIN arrives, so
    // the stream need not end its side first (a shutdown() per probe).
    super(plain ? PLAIN_SOCKET : TLS_SOCKET);
    this.run = run;
  }
}

function onSocketRead(this: ProbeSocket, length: number, buffer: Uint8Array): boolean {
  return this.run.bytes(buffer, length);
}
const PLAIN_SOCKET: net.SocketConstructorOpts = { allowHalfOpen: true, onread: { buffer: readBuffer, callback: onSocketRead } };
const TLS_SOCKET: net.SocketConstructorOpts = {};

function onSocketConnect(this: ProbeSocket): void {
  this.run.connected(this);
}
function onSocketError(this: ProbeSocket, err: Error): void {
  this.run.socketError(this, err);
}
function onSocketEnd(this: ProbeSocket): void {
  this.run.end();
}
function onDeadline(run: ProbeRun): void {
  run.deadlinePassed();
}

/** Varnish's resp_buf holds 128 bytes, the last of which becomes NUL: 127 are judged. */
const KEEP = KEPT_RESPONSE_BYTES + 1;

/** One probe in flight. Every method is a no-op once the result is out (`settled`). */
class ProbeRun {
  readonly backend: BackendDefinition;
  readonly probe: ProbeDefinition;
  readonly now: () => number;
  readonly done: ProbeCallback;
  readonly started: number;
  readonly deadline: number;
  readonly timer: NodeJS.Timeout;
  phase: Phase = 'dns';
  bits = 0;
  settled = false;
  socket: net.Socket | null = null;
  targets: LookupAddress[] = [];
  /** The address family of the connection being opened. */
  family: 4 | 6 = 4;
  /** The status line, when the first read held all of it (a terminator, or 127 bytes): most probes. */
  line: string | null = null;
  /** The first bytes, when the first read did not hold the whole line. */
  kept: Buffer | null = null;
  received = 0;

  constructor(backend: BackendDefinition, probe: ProbeDefinition, now: () => number, done: ProbeCallback) {
    this.backend = backend;
    this.probe = probe;
    this.now = now;
    this.done = done;
    this.started = now();
    this.deadline = this.started + probe.timeoutMs;
    this.timer = setTimeout(onDeadline, Math.max(0, probe.timeoutMs), this);
  }

  finish(outcome: ProbeOutcome, response: string, rttMs = 0, at = this.now()): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.done({ outcome, bits: BITS_BY_MASK[this.bits], rttMs, response, startedAt: this.started, durationMs: at - this.started });
  }

  /** Varnish computes `tmo = round((t_end - t_now) * 1e3)` and gives up when it is ≤ 0. */
  overdue(at: number): number | null {
    const left = this.deadline - at;
    return Math.round(left) <= 0 ? -left : null;
  }

  deadlinePassed(): void {
    switch (this.phase) {
      case 'dns': return this.finish('dns_error', 'DNS lookup failed (timeout)');
      // VTCP_connect's poll() ran out: errno = ETIMEDOUT.
      case 'open': return this.finish('open_timeout', `Open error ${errnoText('ETIMEDOUT')}`);
      case 'tls': this.bits |= BIT.x; return this.finish('tls_error', `SSL handshake error ${errnoText('ETIMEDOUT')}`);
      // The read loop's poll() returned 0: errno = ETIMEDOUT, err_recv.
      case 'xmit':
      case 'recv': this.bits |= BIT.r; return this.finish('recv_timeout', `Poll error ${errnoText('ETIMEDOUT')}`);
    }
  }

  error(err: unknown): void {
    const code = errCode(err);
    switch (this.phase) {
      case 'open': return this.finish('open_error', `Open error ${errnoText(code)}`);
      case 'tls': this.bits |= BIT.x; return this.finish('tls_error', `SSL handshake error (${code})`);
      case 'xmit': this.bits |= BIT.x; return this.finish('xmit_error', `Write error ${errnoText(code)}`);
      default: this.bits |= BIT.r; return this.finish('recv_error', `Read error ${errnoText(code)}`);
    }
  }

  /** One 'error' listener for a TCP socket's whole life: the phase says what failed. */
  socketError(socket: net.Socket, err: Error): void {
    if (this.settled) return;
    if (this.phase === 'open') {
      socket.destroy();
      // Like Varnish's connection pool, fall back to the other address family.
      if (this.targets.length > 0) return this.open(errCode(err));
    }
    this.error(err);
  }

  pollTimeout(late: number): void {
    this.bits |= BIT.r;
    this.finish('recv_timeout', `Poll timeout ${seconds(this.probe.timeoutMs)}s exceeded by ${seconds(late)}s`);
  }

  /**
   * A write that completed in the kernel sets X (Varnish: write() returned the whole request).
   * A write that failed at once also leaves nothing buffered, but marks the stream errored
   * before its 'error' event (a tick later) says "Write error".
   */
  transmitted(s: net.Socket): void {
    if (this.phase === 'xmit' && s.writableLength === 0 && s.errored === null) {
      this.bits |= BIT.X;
      this.phase = 'recv';
    }
  }

  /** Keeps the first bytes of the answer; false once the deadline has passed. */
  bytes(chunk: Uint8Array, length: number): boolean {
    if (this.settled) return false;
    if (this.socket !== null) this.transmitted(this.socket);
    const received = this.received;
    this.received = received + length;
    // The whole status line in the first read (a terminator within it, or all 127 bytes):
    // take it from the shared buffer without keeping the bytes.
    if (received === 0 && (length >= KEPT_RESPONSE_BYTES || hasLineEnd(chunk, length))) this.line = statusLine(chunk, length);
    if (this.line === null && received < KEEP) {
      this.kept ??= Buffer.allocUnsafe(KEEP);
      this.kept.set(chunk.subarray(0, Math.min(length, KEEP - received)), received);
    }
    const late = this.overdue(this.now());
    if (late === null) return true;
    this.pollTimeout(late);
    return false;
  }

  end(): void {
    if (this.settled) return;
    if (this.socket !== null) this.transmitted(this.socket);
    // One clock reading judges the deadline, gives the rtt and ends the probe.
    const at = this.now();
    const late = this.overdue(at);
    if (late !== null) return this.pollTimeout(late);
    if (this.received === 0) return this.finish('empty', 'Empty response', 0, at);
    this.bits |= BIT.R;
    const line = this.line ?? statusLine(this.kept as Buffer, Math.min(this.received, KEEP));
    if (statusMatches(line, this.probe.expectedResponse)) {
      this.bits |= BIT.H;
      return this.finish('happy', line, at - this.started, at);
    }
    return this.finish('bad_status', line, at - this.started, at);
  }

  /** Sends the request; the answer arrives through bytes() and end(). */
  converse(s: net.Socket): void {
    this.phase = 'xmit';
    s.write(probeRequestBytes(this.probe));
    this.transmitted(s);
  }

  open(lastError: string): void {
    const target = this.targets.shift();
    if (target === undefined) return this.finish('open_error', `Open error ${errnoText(lastError)}`);
    this.phase = 'open';
    this.family = target.family;
    const tcp = new ProbeSocket(this, !this.backend.ssl);
    this.socket = tcp;
    tcp.on('error', onSocketError);
    tcp.on('connect', onSocketConnect);
    tcp.connect({ host: target.address, port: this.backend.port, family: target.family });
  }

  connected(tcp: ProbeSocket): void {
    if (this.settled) return;
    this.bits |= this.family === 6 ? BIT['6'] : BIT['4'];
    const late = this.overdue(this.now());
    if (late !== null) return this.finish('open_timeout', `Open timeout ${seconds(this.probe.timeoutMs)}s exceeded by ${seconds(late)}s`);
    if (!this.backend.ssl) {
      tcp.on('end', onSocketEnd);
      return this.converse(tcp);
    }
    this.startTls(tcp);
  }

  startTls(tcp: net.Socket): void {
    this.phase = 'tls';
    const b = this.backend;
    const sni = b.sslSniHostname ?? b.sslCertHostname ?? b.host;
    const certHost = b.sslCertHostname ?? b.host;
    const secure = tls.connect({
      socket: tcp,
      secureContext: secureContext(b),
      // RFC 6066 §3: SNI carries host names only, never address literals.
      servername: net.isIP(sni) === 0 ? sni : undefined,
      // Verification is done below so that its failure has its own text.
      rejectUnauthorized: false,
    });
    this.socket = secure;
    // TLS probes are few: plain closures here.
    secure.on('error', (err) => this.error(err));
    secure.once('secureConnect', () => {
      if (this.settled) return;
      if (b.sslCheckCert) {
        const failure = secure.authorized
          ? tls.checkServerIdentity(certHost, secure.getPeerCertificate())
          : secure.authorizationError;
        if (failure !== undefined) {
          this.bits |= BIT.x;
          return this.finish('tls_error', `Certificate verification failed (${errCode(failure)})`);
        }
      }
      secure.on('data', (chunk: Buffer) => this.bytes(chunk, chunk.length));
      secure.on('end', () => this.end());
      this.converse(secure);
    });
  }

  resolved(addresses: readonly LookupAddress[]): void {
    if (this.settled) return;
    this.targets = candidates(addresses, this.backend.preferIpv6);
    if (this.targets.length === 0) return this.finish('dns_error', 'DNS lookup failed (ENODATA)');
    if (this.probe.dummy) {
      const first = this.targets[0];
      this.bits |= (first.family === 6 ? BIT['6'] : BIT['4']) | BIT.H;
      return this.finish('happy', `DNS OK ${first.address}`, this.now() - this.started);
    }
    this.open('ECONNREFUSED');
  }
}

function hasLineEnd(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const c = bytes[i];
    if (c === 0x00 || c === 0x0d || c === 0x0a) return true;
  }
  return false;
}

/**
 * Probes `backend` once and calls `done` with the result, exactly once and never
 * synchronously from this call's own stack for a probe that reaches the network.
 */
export function startProbe(backend: BackendDefinition, opts: ProbeOptions, done: ProbeCallback): void {
  const probe = backend.probe;
  if (probe === null) throw new Error(`backend ${backend.name} has no probe`);
  const run = new ProbeRun(backend, probe, opts.now ?? wallClock, done);
  const family = net.isIP(backend.host);
  if (family !== 0) {
    const literal: LookupAddress = { address: backend.host, family: family === 6 ? 6 : 4 };
    // An address literal needs no lookup: connect now rather than a promise turn later.
    if (!probe.dummy) {
      run.targets = [literal];
      run.open('ECONNREFUSED');
    } else {
      void Promise.resolve([literal]).then((a) => run.resolved(a));
    }
    return;
  }
  (opts.lookup ?? systemLookup)(backend.host).then(
    (addresses) => run.resolved(addresses),
    (err: unknown) => run.finish('dns_error', `DNS lookup failed (${errCode(err)})`),
  );
}

/** Probes `backend` once. Never rejects: every failure is a ProbeResult. */
export function runProbe(backend: BackendDefinition, opts: ProbeOptions = {}): Promise<ProbeResult> {
  if (backend.probe === null) throw new Error(`backend ${backend.name} has no probe`);
  return new Promise<ProbeResult>((resolve) => startProbe(backend, opts, resolve));
}
