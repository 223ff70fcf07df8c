// What the request path reads from a client's request and writes to its response. node:http's
// IncomingMessage and ServerResponse satisfy these, and so do the edge's own FastRequest and
// FastResponse (./connection.ts), so one pipeline serves both.

import type http from 'node:http';
import { Readable } from 'node:stream';

export interface ClientRequest {
  readonly method?: string;
  readonly url?: string;
  readonly httpVersion: string;
  /** Lower-cased names. */
  readonly headers: http.IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string; readonly remotePort?: number };
  /**
   * The whole body, when the edge's own reader read it with the head (./request-head.ts); absent
   * on node:http's requests, which are their body's stream.
   */
  readonly wholeBody?: Buffer | null;
}

export interface ClientResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  /** True once the whole response was handed to the socket. */
  readonly writableFinished: boolean;
  /** Cleared to close the connection after this response (a draining server does). */
  shouldKeepAlive: boolean;
  /**
   * Header names lower-cased. `base`, when given, is an object `headers` began as a copy of and
   * that never changes (a cached object's fields): a writer may serialise it once and reuse
   * that for the fields still equal to it. node:http ignores it.
   */
  writeHead(status: number, reason: string, headers: http.OutgoingHttpHeaders, base?: Readonly<http.OutgoingHttpHeaders> | null): unknown;
  /** False when the socket's buffer is full: wait for 'drain'. */
  write(chunk: Buffer): boolean;
  end(body?: Buffer | string): unknown;
  /** Closes the connection without ending the message (a truncated body must not look whole). */
  destroy(): unknown;
  /** 'close' comes once, when the response finished or the client went away before it did. */
  once(event: 'close' | 'drain', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * The request's body stream, if it has one. node:http's IncomingMessage is itself that stream;
 * requests the edge reads on its own have none: their body, if any, came whole (`wholeBody`).
 */
export function requestBody(req: ClientRequest): Readable | null {
  return req instanceof Readable && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) ? req : null;
}
