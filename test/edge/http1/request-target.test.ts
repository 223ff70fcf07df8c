// Request targets and Host (RFC 9112 §3.2) on both readers: connections that start on the edge's
// own reader (and move to node:http at the first request it leaves to node), and connections
// node:http reads from the start (`fastPath: false`).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EdgeServer } from '../../../src/edge/server.ts';

const READERS = [{ name: 'edge reader', fastPath: true }, { name: 'node:http', fastPath: false }] as const;

/** An edge whose handler answers `<url> <host>` and records what it was given. */
async function echoEdge(t: TestContext, fastPath: boolean): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = new EdgeServer({
    host: '127.0.0.1', port: 0, fastPath,
    handler: (req, res) => {
      const text = `${req.url} ${req.headers.host ?? '(no host)'}`;
      seen.push(text);
      res.writeHead(200, 'OK', { 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  });
  const { port } = await server.listen();
  t.after(() => server.drain());
  return { port, seen };
}

/** Sends one request and returns the status line and body of the answer. */
function exchange(port: number, head: string): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', reject);
    socket.on('close', () => {
      const end = got.indexOf('\r\n\r\n');
      resolve([got.slice(0, got.indexOf('\r\n')), got.slice(end + 4)]);
    });
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`no close within 5 s; got ${JSON.stringify(got)}`)); });
  });
}

const request = (target: string, fields: string, version = '1.1') => `GET ${target} HTTP/${version}\r\n${fields}Connection: close\r\n\r\n`;

for (const { name, fastPath } of READERS) {
  test(`${name}: an absolute-form target is routed by its authority, which becomes Host, and read as origin-form`, async (t) => {
    const { port } = await echoEdge(t, fastPath);
    assert.deepEqual(await exchange(port, request('http://other.test/x?y=1', 'Host: hard.test\r\n')), ['HTTP/1.1 200 OK', '/x?y=1 other.test']);
    assert.deepEqual(await exchange(port, request('http://other.test', 'Host: hard.test\r\n')), ['HTTP/1.1 200 OK', '/ other.test']);
    assert.deepEqual(await exchange(port, request('HTTPS://Other.test:8443?q', 'Host: hard.test\r\n')), ['HTTP/1.1 200 OK', '/?q Other.test:8443']);
    assert.deepEqual(await exchange(port, request('http://[::1]:8080/v6', 'Host: hard.test\r\n')), ['HTTP/1.1 200 OK', '/v6 [::1]:8080']);
  });

  test(`${name}: an absolute-form target with userinfo, no host or another scheme is 400 and reaches nothing`, async (t) => {
    const { port, seen } = await echoEdge(t, fastPath);
    assert.deepEqual(await exchange(port, request('http://user@other.test/x', 'Host: hard.test\r\n')),
      ['HTTP/1.1 400 Bad Request', '400 Bad Request: the request target must not carry userinfo (RFC 9110 §4.2.4)\n']);
    assert.deepEqual(await exchange(port, request('http:///x', 'Host: hard.test\r\n')),
      ['HTTP/1.1 400 Bad Request', '400 Bad Request: the request target\'s authority "" is not host[:port] (RFC 9110 §4.2.1)\n']);
    assert.deepEqual(await exchange(port, request('ftp://other.test/x', 'Host: hard.test\r\n')),
      ['HTTP/1.1 400 Bad Request', '400 Bad Request: the request target\'s scheme must be http or https, got "ftp" (RFC 9112 §3.2.2)\n']);
    assert.deepEqual(await exchange(port, request('*', 'Host: hard.test\r\n')),
      ['HTTP/1.1 400 Bad Request', '400 Bad Request: the asterisk-form target "*" is for OPTIONS only (RFC 9112 §3.2.4)\n']);
    assert.deepEqual(seen, []);
  });

  test(`${name}: two Host fields are 400, whatever their spelling or values`, async (t) => {
    const { port, seen } = await echoEdge(t, fastPath);
    const refused = ['HTTP/1.1 400 Bad Request', '400 Bad Request: more than one Host field (RFC 9112 §3.2)\n'];
    assert.deepEqual(await exchange(port, request('/x', 'Host: a.test\r\nHost: a.test\r\n')), refused);
    assert.deepEqual(await exchange(port, request('/x', 'Host: a.test\r\nhost: b.test\r\n')), refused);
    assert.deepEqual(await exchange(port, request('http://other.test/x', 'HOST: a.test\r\nHost: b.test\r\n')), refused);
    assert.deepEqual(seen, []);
  });

  test(`${name}: HTTP/1.1 without Host is 400; HTTP/1.0 without Host reaches the pipeline`, async (t) => {
    const { port, seen } = await echoEdge(t, fastPath);
    const [status] = await exchange(port, request('/x', ''));
    assert.equal(status, 'HTTP/1.1 400 Bad Request');
    assert.deepEqual(await exchange(port, request('/x', '', '1.0')), ['HTTP/1.1 200 OK', '/x (no host)']);
    assert.deepEqual(seen, ['/x (no host)']);
  });
}
