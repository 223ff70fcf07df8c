// What VCL reads about a client's TLS connection (Fastly's client-connection variables:
// https://www.fastly.com/documentation/reference/vcl/variables/client-connection/), read from
// the socket once per connection and shared by its requests. A connection's TLS parameters
// never change after the handshake (the listener allows no renegotiation, ./policy.ts).

import tls from 'node:tls';

export interface TlsConnection {
  /** `tls.client.protocol`: `TLSv1.2` or `TLSv1.3`, as Fastly and OpenSSL spell it. */
  readonly protocol: string;
  /** `tls.client.cipher`: the suite's OpenSSL name (`TLS_AES_128_GCM_SHA256`, `ECDHE-RSA-AES128-GCM-SHA256`). */
  readonly cipher: string;
  /** `tls.client.servername`: the SNI the client sent (the listener takes no handshake without one). */
  readonly servername: string;
  /** The connection speaks HTTP/2 (ALPN `h2`): `fastly_info.is_h2`. */
  readonly h2: boolean;
}

const known = new WeakMap<tls.TLSSocket, TlsConnection>();

/** The TLS details of the socket a request came on; null for a plain TCP connection. */
export function tlsConnection(socket: object): TlsConnection | null {
  if (!(socket instanceof tls.TLSSocket)) return null;
  let info = known.get(socket);
  if (info === undefined) {
    const servername = socket.servername;
    info = {
      protocol: socket.getProtocol() ?? '',
      cipher: (socket.getCipher() as tls.CipherNameAndProtocol | undefined)?.name ?? '',
      servername: typeof servername === 'string' ? servername : '',
      h2: socket.alpnProtocol === 'h2',
    };
    known.set(socket, info);
  }
  return info;
}
