// How a hop between fleet nodes (a cluster or shield hop, DESIGN.md §4.4) is known to come from
// the fleet: "by a credential the fleet shares through its database, never by the headers it
// carries". The fleet's secret (Store `fleetSecret`, migration 040) is never sent: each hop
// carries an HMAC-SHA256 of the request's method, Host and target and a time, so a captured value
// is good for that one request target for HOP_WINDOW_MS only, and is never valid for another.
//
// The same secret salts the service id in Fastly-FF ("{salted hash of the service id}!{POP}!{node}",
// Fastly's https://www.fastly.com/documentation/reference/http/http-headers/Fastly-FF/): an
// origin can count the entries of one service without learning which service it is.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';

/** The request header a fleet hop's credential travels in; removed from every request on arrival. */
export const FLEET_CREDENTIAL = 'lacquer-fleet';
/** How far a hop's clock may be from this node's (both read the same NTP-kept time in practice). */
export const HOP_WINDOW_MS = 60_000;

export class FleetCredential {
  readonly #secret: string;
  readonly #hashes = new Map<string, string>();

  constructor(secret: string) {
    if (typeof secret !== 'string' || secret.length < 16) throw new TypeError('invalid fleet secret');
    this.#secret = secret;
  }

  #mac(at: number, method: string, host: string, target: string): string {
    return createHmac('sha256', this.#secret).update(`${at}\n${method}\n${host}\n${target}`).digest('base64url');
  }

  /** The credential header's value for one request. */
  sign(method: string, host: string, target: string, now: number = Date.now()): string {
    return `${now}.${this.#mac(now, method, host, target)}`;
  }

  /** Whether `value` was made by a node of this fleet for this very request, within the window. */
  verify(value: string | undefined, method: string, host: string, target: string, now: number = Date.now()): boolean {
    if (value === undefined) return false;
    const dot = value.indexOf('.');
    const at = Number(value.slice(0, dot));
    if (dot <= 0 || !Number.isSafeInteger(at) || Math.abs(now - at) > HOP_WINDOW_MS) return false;
    const want = Buffer.from(this.#mac(at, method, host, target));
    const got = Buffer.from(value.slice(dot + 1));
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** The salted hash of a service id that stands for it in Fastly-FF (the id is never sent in clear). */
  serviceHash(serviceId: string): string {
    let h = this.#hashes.get(serviceId);
    if (h === undefined) {
      h = createHmac('sha256', this.#secret).update(`fastly-ff\n${serviceId}`).digest('base64');
      if (this.#hashes.size < 10_000) this.#hashes.set(serviceId, h);
    }
    return h;
  }
}
