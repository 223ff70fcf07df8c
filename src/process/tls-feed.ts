// The primary's side of HTTPS (DESIGN.md §4.4): what the edge workers' listeners serve by.
//
// - Certificates: the node reads its TlsMaterial (src/model/tls.ts) once at start, before the
//   edge answers /ready, and again at every `tls` Store event and resync; each read goes to
//   every worker, and ./edge.ts keeps the last for workers that start later. Reads run one at a
//   time: events that arrive during a read cause one more read after it, so the last read
//   always starts after the last change committed. A read that fails is logged and the workers
//   keep serving the certificates they have.
// - Session ticket keys: made here and sent to every worker, so a client resumes its session
//   (RFC 8446 §2.2, RFC 5077) whichever worker of the node takes its reconnection. node:tls
//   holds one key set at a time, so a rotation ends every ticket issued before it: those
//   clients make one full handshake. Rotating hourly bounds how long a stolen key decrypts
//   TLS 1.2 resumptions (RFC 5077 §5.5 asks for periodic rotation), at the cost of one full
//   handshake per returning client per hour.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ToWorker } from '../edge/messages.ts';
import type { TlsMaterial } from '../model/tls.ts';

/** How often the ticket keys change. */
export const TICKET_KEY_ROTATION_MS = 60 * 60 * 1000;

/** No certificates: what a node serves until the TLS API's material is connected. */
export const NO_TLS_MATERIAL: TlsMaterial = { generation: 0, activations: [] };

export interface TlsFeedOptions {
  /** Reads the active certificates (the Store's TLS activations). */
  readonly material: () => Promise<TlsMaterial>;
  /** Sends to every edge worker, now and (the last of each type) later. */
  readonly send: (message: ToWorker) => void;
  readonly logger: Logger;
  readonly rotateMs?: number;
}

export class TlsFeed {
  readonly #o: TlsFeedOptions;
  #reading: Promise<void> | null = null;
  #again = false;
  #rotation: NodeJS.Timeout | null = null;

  constructor(options: TlsFeedOptions) {
    this.#o = options;
  }

  /** Sends ticket keys and the current certificates; resolves once both were sent. */
  async start(): Promise<void> {
    this.#rotate();
    this.#rotation = setInterval(() => this.#rotate(), this.#o.rotateMs ?? TICKET_KEY_ROTATION_MS);
    this.#rotation.unref();
    await this.reload();
  }

  /** Reads the certificates again and sends them; resolves once the read that covers this call is done. */
  reload(): Promise<void> {
    if (this.#reading !== null) {
      this.#again = true;
      return this.#reading;
    }
    const reading = this.#read().finally(() => {
      this.#reading = null;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    this.#reading = reading;
    return reading;
  }

  stop(): void {
    if (this.#rotation !== null) clearInterval(this.#rotation);
    this.#rotation = null;
  }

  async #read(): Promise<void> {
    let material: TlsMaterial;
    try {
      material = await this.#o.material();
    } catch (err) {
      this.#o.logger.error({ err }, 'could not read the TLS certificates; HTTPS keeps the ones it has');
      return;
    }
    this.#o.send({ type: 'tls', material });
  }

  #rotate(): void {
    this.#o.send({ type: 'tls-ticket-keys', keys: randomBytes(48).toString('base64') });
  }
}
