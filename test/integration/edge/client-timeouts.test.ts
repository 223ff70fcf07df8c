// `lacquer serve --client-*` reaches the edge, whether it runs in the primary (--workers 0) or in
// node:cluster workers: a slow head gets 408 and an idle connection closes, on the operator's
// timeouts rather than the defaults. Run as a child process, as an operator runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { startChild } from '../cache/child.ts';

/** Connects, writes `head`, and resolves with what was read and how long the server kept the connection. */
function held(port: number, head: string): Promise<{ got: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    const start = performance.now();
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => { got += c; });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ got, ms: performance.now() - start }));
    setTimeout(() => { socket.destroy(); reject(new Error(`still open after 4 s; got ${JSON.stringify(got)}`)); }, 4000).unref();
  });
}

for (const workers of [0, 1]) {
  test(`--workers ${workers}: --client-header-timeout and --client-idle-timeout are the edge's`, async (t) => {
    const lq = await startChild(t, { workers, extra: ['--client-header-timeout', '400', '--client-idle-timeout', '300'] });
    const slow = await held(lq.edgePort, 'GET /ready HTTP/1.1\r\nHost: none.example\r\n');
    assert.equal(slow.got, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    assert.ok(slow.ms >= 380 && slow.ms < 1500, `408 after ${Math.round(slow.ms)} ms`);
    const idle = await held(lq.edgePort, 'GET /ready HTTP/1.1\r\nHost: none.example\r\n\r\n');
    assert.match(idle.got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\nkeep-alive: timeout=0\r\n\r\nready\n$/);
    assert.ok(idle.ms >= 280 && idle.ms < 1500, `closed after ${Math.round(idle.ms)} ms`);
  });
}
