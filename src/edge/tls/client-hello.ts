// The server name a TLS client asks for, read from its ClientHello before OpenSSL sees it.
//
// Why read it ourselves: a handshake for a name the edge has no certificate for, or with no
// name at all, must be refused with the `unrecognized_name` alert (RFC 6066 §3: "the server
// … MAY send a fatal-level unrecognized_name(112) alert"), never answered with another domain's
// certificate. node:tls gives no way to send that alert: an SNICallback error closes the TCP
// connection without one, and without SNI the callback is not called at all. So the listener
// reads the first bytes, answers the refusals itself, and hands every other connection to
// node:tls with the bytes put back (./listener.ts).
//
// Only what is needed is read: the record layer (RFC 8446 §5.1), the ClientHello's fixed fields
// (RFC 8446 §4.1.2, the same layout as RFC 5246 §7.4.1.2), and the server_name extension
// (RFC 6066 §3). A ClientHello may span several records; it is bounded by MAX_HELLO_BYTES.
// Anything else is left to OpenSSL: bytes that are not a well-formed ClientHello are `invalid`
// and the listener hands them to node:tls, which refuses them with its own alert.

import { Buffer } from 'node:buffer';

/** A ClientHello larger than this is refused (post-quantum key shares make them ~2 KB today). */
export const MAX_HELLO_BYTES = 32 * 1024;

const RECORD_HEADER = 5;
const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST_NAME = 0;

/** A fatal `unrecognized_name` alert record (RFC 8446 §6: level 2 fatal, description 112). */
export const UNRECOGNIZED_NAME_ALERT: Readonly<Uint8Array> = Uint8Array.of(21, 3, 3, 0, 2, 2, 112);

export type HelloResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid' }
  /** `servername` lower-cased, without a trailing dot; null when the client sent none. */
  | { readonly kind: 'hello'; readonly servername: string | null };

const INCOMPLETE: HelloResult = { kind: 'incomplete' };
const INVALID: HelloResult = { kind: 'invalid' };

/** Reads the ClientHello at the start of `buf` (everything the client sent so far). */
export function readClientHello(buf: Buffer): HelloResult {
  // Join the fragments of the handshake message from consecutive handshake records.
  const parts: Buffer[] = [];
  let have = 0;
  let need = -1;
  let at = 0;
  while (need < 0 || have < need) {
    if (buf.length < at + RECORD_HEADER) return more(buf);
    if (buf[at] !== CONTENT_HANDSHAKE || buf[at + 1] !== 3) return INVALID;
    const length = buf.readUInt16BE(at + 3);
    if (length === 0) return INVALID;
    if (buf.length < at + RECORD_HEADER + length) return more(buf);
    parts.push(buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length));
    have += length;
    at += RECORD_HEADER + length;
    if (need < 0 && have >= 4) {
      const first = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      if (first[0] !== HANDSHAKE_CLIENT_HELLO) return INVALID;
      need = 4 + first.readUIntBE(1, 3);
      if (need > MAX_HELLO_BYTES) return INVALID;
    }
  }
  const message = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return parseHello(message.subarray(4, need));
}

/** Not all there yet: wait for more, unless more than any ClientHello needs already came. */
function more(buf: Buffer): HelloResult {
  return buf.length >= MAX_HELLO_BYTES ? INVALID : INCOMPLETE;
}

/** The ClientHello body: version, random, session id, suites, compression, extensions. */
function parseHello(body: Buffer): HelloResult {
  const r = new Reader(body);
  if (!r.skip(2 + 32) || !r.skipVector(1) || !r.skipVector(2) || !r.skipVector(1)) return INVALID;
  // No extensions at all (SSL 3.0-era clients): no server name.
  if (r.done) return { kind: 'hello', servername: null };
  const extensions = r.vector(2);
  if (extensions === null || !r.done) return INVALID;
  const e = new Reader(extensions);
  while (!e.done) {
    const type = e.u16();
    const data = e.vector(2);
    if (type === null || data === null) return INVALID;
    if (type === EXTENSION_SERVER_NAME) return serverName(data);
  }
  return { kind: 'hello', servername: null };
}

/** RFC 6066 §3: a list of (name_type, name); only host_name is defined, and only one of each type allowed. */
function serverName(data: Buffer): HelloResult {
  const r = new Reader(data);
  const list = r.vector(2);
  if (list === null || !r.done) return INVALID;
  const l = new Reader(list);
  while (!l.done) {
    const type = l.u8();
    const name = l.vector(2);
    if (type === null || name === null) return INVALID;
    if (type !== NAME_TYPE_HOST_NAME) continue;
    // RFC 6066 §3: a HostName is ASCII, "without a trailing dot"; tolerate one, as browsers never send it.
    const text = name.toString('latin1').toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(text) || text.length > 253) return INVALID;
    return { kind: 'hello', servername: text };
  }
  return { kind: 'hello', servername: null };
}

/** Bounds-checked reads over one buffer; every read returns null (or false) past its end. */
class Reader {
  readonly #buf: Buffer;
  #at = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get done(): boolean {
    return this.#at >= this.#buf.length;
  }

  skip(n: number): boolean {
    if (this.#at + n > this.#buf.length) return false;
    this.#at += n;
    return true;
  }

  u8(): number | null {
    if (this.#at + 1 > this.#buf.length) return null;
    return this.#buf[this.#at++];
  }

  u16(): number | null {
    if (this.#at + 2 > this.#buf.length) return null;
    const v = this.#buf.readUInt16BE(this.#at);
    this.#at += 2;
    return v;
  }

  /** A vector with a `lengthBytes`-byte length prefix (RFC 8446 §3.4). */
  vector(lengthBytes: 1 | 2): Buffer | null {
    const n = lengthBytes === 1 ? this.u8() : this.u16();
    if (n === null || this.#at + n > this.#buf.length) return null;
    const v = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return v;
  }

  skipVector(lengthBytes: 1 | 2): boolean {
    return this.vector(lengthBytes) !== null;
  }
}
