// Real log receivers on 127.0.0.1:0, one per protocol, for the delivery tests: a syslog server
// (TCP, TLS, UDP), an HTTP(S) receiver that records each request (decompressed), and an
// S3-compatible receiver that verifies each PUT's AWS Signature V4 with the same signer
// library lacquer signs with (aws4), recomputed from what arrived.
import { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { TestContext } from 'node:test';
import aws4 from 'aws4';

export interface Cert { readonly cert: string; readonly key: string }

export interface SyslogReceiver {
  readonly port: number;
  readonly lines: string[];
  /** Stops listening and closes every connection (a receiver going down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function syslogTcp(t: TestContext, cert: Cert | null = null): Promise<SyslogReceiver> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    let rest = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  let server = cert === null ? net.createServer(onSocket) : tls.createServer({ cert: cert.cert, key: cert.key }, onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const receiver: SyslogReceiver = {
    port, lines,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      server = cert === null ? net.createServer(onSocket) : tls.createServer({ cert: cert.cert, key: cert.key }, onSocket);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
  t.after(() => receiver.stop().catch(() => {}));
  return receiver;
}

export async function syslogUdp(t: TestContext): Promise<{ port: number; lines: string[] }> {
  const socket = dgram.createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) => lines.push(m.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  return { port: socket.address().port, lines };
}

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly raw: Buffer;
}

export interface HttpReceiver {
  readonly origin: string;
  readonly requests: Received[];
  /** The status the next requests get (default 200). */
  status: number;
}

export async function httpReceiver(t: TestContext, cert: Cert | null = null, check?: (r: Received) => number): Promise<HttpReceiver> {
  const requests: Received[] = [];
  const receiver = { origin: '', requests, status: 200 };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'];
      const plain = encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'zstd' ? zlib.zstdDecompressSync(raw) : raw;
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: plain.toString('utf8'), raw };
      const status = check?.(r) ?? receiver.status;
      if (status >= 200 && status < 300) requests.push(r);
      res.writeHead(status).end();
    });
  };
  const server = cert === null ? http.createServer(handler) : https.createServer({ cert: cert.cert, key: cert.key }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.origin = `${cert === null ? 'http' : 'https'}://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return receiver;
}

/** An S3-compatible receiver: 403 unless the SigV4 signature recomputed from the request matches. */
export async function s3Receiver(t: TestContext, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<HttpReceiver & { rejected: number }> {
  let rejected = 0;
  const receiver = await httpReceiver(t, null, (r) => {
    const auth = String(r.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (m === null || m[1] !== credentials.accessKeyId) { rejected++; return 403; }
    const headers: Record<string, string> = {};
    for (const name of m[3].split(';')) headers[name] = String(r.headers[name] ?? '');
    const url = new URL(r.url, 'http://x');
    const again = aws4.sign({ host: headers.host, path: url.pathname + url.search, method: r.method, service: 's3', region: m[2], headers, body: r.raw }, credentials);
    const signature = /Signature=([0-9a-f]{64})$/.exec(String((again.headers as Record<string, string>).Authorization))?.[1];
    if (signature !== m[4]) { rejected++; return 403; }
    return 200;
  });
  return Object.defineProperty(receiver, 'rejected', { get: () => rejected }) as HttpReceiver & { rejected: number };
}
