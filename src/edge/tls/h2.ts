// One HTTP/2 stream as the pipeline's ClientRequest and ClientResponse (../http1/types.ts), so
// requests that arrive over HTTP/2 take the same path as HTTP/1.1 ones.
//
// Built on node:http2's core stream API, not its compatibility layer: the pipeline's shapes are
// small, and the layer's IncomingMessage/ServerResponse-like objects cost a request as much as
// node:http's. What the translation keeps (RFC 9113 §8.3, §8.2.2):
// - the request: `:method` and `:path` become the method and target; `:authority` is the Host
//   (§8.3.1: it replaces Host when the request is converted to HTTP/1.1, which the upstream
//   request is); a request whose Host differs from its `:authority` is malformed (§8.3.1) and
//   gets 400. A body of unknown length (no Content-Length, stream not ended with the headers)
//   is marked `Transfer-Encoding: chunked`, which is how it travels to an HTTP/1.1 origin.
// - the response: HTTP/2 has no reason phrase (§8.3.2), so the status line's reason is not
//   sent; a synthetic error's body still names it (`503 first byte timeout`). Connection-
//   specific fields (§8.2.2) are dropped: node:http2 refuses to send them.
// - a body that ended early is cut with RST_STREAM (INTERNAL_ERROR), which the client sees as
//   an incomplete response, as HTTP/1.1 closes the connection (respond.ts).

import type http from 'node:http';
import http2 from 'node:http2';
import { Readable } from 'node:stream';
import type tls from 'node:tls';
import type { ClientRequest, ClientResponse } from '../http1/index.ts';

const { NGHTTP2_INTERNAL_ERROR } = http2.constants;

/** RFC 9113 §8.2.2: fields HTTP/2 must not carry (node:http2 throws on them). */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

type Handler = (req: ClientRequest, res: ClientResponse) => void;

/** A request without a body: plain data. */
class H2Request implements ClientRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '2.0';
  readonly headers: http.IncomingHttpHeaders;
  readonly socket: tls.TLSSocket;

  constructor(method: string, url: string, headers: http.IncomingHttpHeaders, socket: tls.TLSSocket) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.socket = socket;
  }
}

/** A request with a body: the request is its body's stream, as node:http's IncomingMessage is (request-body.ts). */
class H2BodyRequest extends Readable implements ClientRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '2.0';
  readonly headers: http.IncomingHttpHeaders;
  readonly socket: tls.TLSSocket;
  readonly #stream: http2.ServerHttp2Stream;

  constructor(req: H2Request, stream: http2.ServerHttp2Stream) {
    super();
    this.method = req.method;
    this.url = req.url;
    this.headers = req.headers;
    this.socket = req.socket;
    this.#stream = stream;
    stream.on('data', (chunk: Buffer) => { if (!this.push(chunk)) stream.pause(); });
    stream.once('end', () => this.push(null));
    stream.once('close', () => { if (!stream.readableEnded) this.destroy(new Error('the client reset the stream before its body ended')); });
    stream.pause();
  }

  override _read(): void {
    this.#stream.resume();
  }
}

class H2Response implements ClientResponse {
  /** A stream is never kept alive or not: the connection's life is the session's. */
  shouldKeepAlive = true;
  readonly #stream: http2.ServerHttp2Stream;
  /** Response fields not sent yet: sent with the first write, or with END_STREAM when there is no body. */
  #head: http2.OutgoingHttpHeaders | null = null;
  #noBody: boolean;
  #started = false;

  constructor(stream: http2.ServerHttp2Stream, isHead: boolean) {
    this.#stream = stream;
    this.#noBody = isHead;
  }

  get headersSent(): boolean {
    return this.#started;
  }

  get destroyed(): boolean {
    return this.#stream.destroyed;
  }

  get writableFinished(): boolean {
    return this.#stream.writableFinished;
  }

  writeHead(status: number, _reason: string, headers: http.OutgoingHttpHeaders): this {
    const out: http2.OutgoingHttpHeaders = { ':status': status };
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined && !CONNECTION_SPECIFIC.has(name)) out[name] = value;
    }
    this.#head = out;
    this.#started = true;
    // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content.
    if (status === 204 || status === 304) this.#noBody = true;
    return this;
  }

  write(chunk: Buffer): boolean {
    if (!this.#send(false) || this.#noBody) return true;
    return this.#stream.write(chunk);
  }

  end(body?: Buffer | string): this {
    const empty = this.#noBody || body === undefined || body.length === 0;
    if (!this.#send(empty)) return this;
    if (!empty) this.#stream.end(body);
    else if (!this.#stream.writableEnded) this.#stream.end();
    return this;
  }

  destroy(): this {
    if (!this.#stream.destroyed) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
    return this;
  }

  once(event: 'close' | 'drain', listener: () => void): this {
    this.#stream.once(event, listener);
    return this;
  }

  on(event: 'close', listener: () => void): this {
    this.#stream.on(event, listener);
    return this;
  }

  /** Sends the head if it is still waiting; false when the stream is gone or the fields were refused. */
  #send(endStream: boolean): boolean {
    const stream = this.#stream;
    if (stream.destroyed) return false;
    const head = this.#head;
    if (head === null) return true;
    this.#head = null;
    try {
      stream.respond(head, { endStream });
    } catch {
      // A field value node:http2 will not send (RFC 9113 §8.2.1): the response cannot be sent as is.
      stream.close(NGHTTP2_INTERNAL_ERROR);
      return false;
    }
    return true;
  }
}

/** Hands one stream to the pipeline; `socket` is the session's TLS connection. */
export function serveStream(stream: http2.ServerHttp2Stream, fields: http2.IncomingHttpHeaders, socket: tls.TLSSocket, handler: Handler): void {
  // An error on one stream (a reset, a write after the client went away) ends that stream only.
  stream.on('error', ignore);
  const method = fields[':method'] ?? 'GET';
  const headers: http.IncomingHttpHeaders = {};
  for (const name in fields) {
    if (name.charCodeAt(0) !== 58 /* ':' */ && name !== '__proto__') headers[name] = fields[name];
  }
  const authority = fields[':authority'];
  const res = new H2Response(stream, method === 'HEAD');
  if (authority !== undefined) {
    if (headers.host !== undefined && headers.host.toLowerCase() !== authority.toLowerCase()) {
      res.writeHead(400, 'Bad Request', { 'content-type': 'text/plain; charset=utf-8' });
      res.end('400 Bad Request: Host differs from :authority (RFC 9113 §8.3.1)\n');
      return;
    }
    headers.host = authority;
  }
  const req = new H2Request(method, fields[':path'] ?? '/', headers, socket);
  if (stream.endAfterHeaders) return handler(req, res);
  const length = headers['content-length'];
  if (length !== undefined && Number(length) === 0) {
    // No body (request-body.ts hasBody): read the empty end of the stream so that it can close.
    stream.resume();
    return handler(req, res);
  }
  if (length === undefined) headers['transfer-encoding'] = 'chunked';
  handler(new H2BodyRequest(req, stream), res);
}

function ignore(): void {}
