// Syslog delivery over TCP (optionally TLS) and UDP. TCP frames are one message a line
// (RFC 6587 §3.4.2 non-transparent framing), or octet-counted for logplex, which carries its
// own length (./frame.ts). One connection per endpoint per worker, opened on the first batch and
// again after it fails; a batch resolves once the kernel took the bytes. UDP sends one datagram
// per message (RFC 5426) and cannot know whether it arrived.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export interface SyslogTarget {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly tls: tls.ConnectionOptions | null;
  /** logplex messages carry their length; the others end with LF. */
  readonly octetCounted: boolean;
}

const CONNECT_TIMEOUT_MS = 5000;

export class SyslogSender {
  readonly #t: SyslogTarget;
  #socket: net.Socket | null = null;
  #udp: dgram.Socket | null = null;

  constructor(target: SyslogTarget) {
    this.#t = target;
  }

  async send(lines: readonly string[]): Promise<void> {
    if (this.#t.protocol === 'udp') return this.#sendUdp(lines);
    const socket = this.#socket ?? await this.#connect();
    const data = this.#t.octetCounted ? lines.join('') : `${lines.join('\n')}\n`;
    await new Promise<void>((resolve, reject) => {
      socket.write(data, (err) => (err ? reject(err) : resolve()));
    }).catch((err: unknown) => {
      this.#drop(socket);
      throw err;
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
    this.#udp?.close();
    this.#udp = null;
  }

  #drop(socket: net.Socket): void {
    socket.destroy();
    if (this.#socket === socket) this.#socket = null;
  }

  #connect(): Promise<net.Socket> {
    const { host, port } = this.#t;
    return new Promise((resolve, reject) => {
      const socket = this.#t.tls === null ? net.connect({ host, port }) : tls.connect({ host, port, ...this.#t.tls });
      const ready = this.#t.tls === null ? 'connect' : 'secureConnect';
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`syslog ${host}:${port}: connect timed out`)));
      socket.once('error', reject);
      socket.once(ready, () => {
        socket.setTimeout(0);
        socket.off('error', reject);
        // After it connected: a receiver that closes or fails makes the next batch reconnect.
        socket.on('error', () => this.#drop(socket));
        socket.on('end', () => this.#drop(socket));
        socket.on('close', () => this.#drop(socket));
        // The receiver says nothing back; reading keeps 'end' observable.
        socket.resume();
        this.#socket = socket;
        resolve(socket);
      });
    });
  }

  async #sendUdp(lines: readonly string[]): Promise<void> {
    const udp = this.#udp ??= dgram.createSocket(net.isIPv6(this.#t.host) ? 'udp6' : 'udp4');
    udp.unref();
    for (const line of lines) {
      await new Promise<void>((resolve, reject) => udp.send(line, this.#t.port, this.#t.host, (err) => (err ? reject(err) : resolve())));
    }
  }
}
