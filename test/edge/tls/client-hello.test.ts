import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { test, type TestContext } from 'node:test';
import { MAX_HELLO_BYTES, readClientHello } from '../../../src/edge/tls/index.ts';

/** The first bytes a real client (node:tls, OpenSSL) sends: its ClientHello. */
async function helloFrom(t: TestContext, servername: string | undefined): Promise<Buffer> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const got = once(server, 'connection');
  const client = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', servername, rejectUnauthorized: false });
  client.on('error', () => {});
  const [socket] = await got as [net.Socket];
  let bytes = Buffer.alloc(0);
  while (readClientHello(bytes).kind === 'incomplete' && bytes.length < MAX_HELLO_BYTES) {
    const [chunk] = await once(socket, 'data') as [Buffer];
    bytes = Buffer.concat([bytes, chunk]);
  }
  client.destroy();
  socket.destroy();
  return bytes;
}

/** The same handshake message cut into two records, as a client may send it (RFC 8446 §5.1). */
function splitIntoTwoRecords(hello: Buffer, at: number): Buffer {
  const body = hello.subarray(5);
  const record = (part: Buffer) => Buffer.concat([Buffer.from([22, 3, 1, part.length >> 8, part.length & 255]), part]);
  return Buffer.concat([record(body.subarray(0, at)), record(body.subarray(at))]);
}

test('the server name of a real ClientHello is read, lower-cased; none when the client sent no SNI', async (t) => {
  assert.deepEqual(readClientHello(await helloFrom(t, 'WWW.Example.test')), { kind: 'hello', servername: 'www.example.test' });
  // An empty servername makes node:tls send no server_name extension.
  assert.deepEqual(readClientHello(await helloFrom(t, '')), { kind: 'hello', servername: null });
});

test('a ClientHello is read whatever the reads or records it arrives in, and every prefix of it is incomplete', async (t) => {
  const hello = await helloFrom(t, 'a.example.test');
  for (let n = 0; n < hello.length; n++) assert.deepEqual(readClientHello(hello.subarray(0, n)), { kind: 'incomplete' }, `prefix of ${n} bytes`);
  for (const at of [1, 3, 4, 40, hello.length - 6]) {
    assert.deepEqual(readClientHello(splitIntoTwoRecords(hello, at)), { kind: 'hello', servername: 'a.example.test' }, `split at ${at}`);
  }
});

test('bytes that are not a ClientHello are invalid: OpenSSL judges them, the listener never guesses a name', async (t) => {
  assert.deepEqual(readClientHello(Buffer.from('GET / HTTP/1.1\r\nHost: a.example.test\r\n\r\n')), { kind: 'invalid' });
  const hello = await helloFrom(t, 'a.example.test');
  const serverHello = Buffer.from(hello);
  serverHello[5] = 2;
  assert.deepEqual(readClientHello(serverHello), { kind: 'invalid' });
  const truncatedExtensions = Buffer.from(hello);
  // Claim a handshake body longer than the record: cut at the claimed end, the extensions overrun.
  truncatedExtensions.writeUIntBE(hello.length - 9 - 10, 6, 3);
  assert.equal(readClientHello(truncatedExtensions).kind, 'invalid');
  const huge = Buffer.from([22, 3, 1, 0, 4, 1, 0x7f, 0xff, 0xff]);
  assert.deepEqual(readClientHello(huge), { kind: 'invalid' }, 'a ClientHello longer than MAX_HELLO_BYTES');
});
