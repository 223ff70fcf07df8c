import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanStatus, statusLine, statusMatches } from '../../src/health/statusline.ts';

test('status lines pass or fail for expected 204 as Varnish\'s sscanf("HTTP/%*f %u ") judges', () => {
  const pass = ['HTTP/1.1 204', 'HTTP/2 204 OK', 'HTTP/1.0 204', 'HTTP/1.1 204x', 'HTTP/1.1 0204'];
  const fail = ['FOO/1.1 204', 'http/1.1 204', ' HTTP/1.1 204', 'HTTP/1.1 2040', 'HTTP/1.1 200'];
  for (const line of pass) assert.equal(statusMatches(line, 204), true, line);
  for (const line of fail) assert.equal(statusMatches(line, 204), false, line);
});

// Every expectation below is what glibc's own sscanf(line, "HTTP/%*f %u ", &u) returned.
test('the version is what glibc %f reads greedily and the status what %u reads', () => {
  const cases: Array<[string, number | null]> = [
    ['HTTP/1.1 200 OK', 200],
    ['HTTP/ 1.1 200', 200],
    ['HTTP/1.1\t\t200', 200],
    ['HTTP/1. 200', 200],
    ['HTTP/.5 200', 200],
    ['HTTP/1e3 200', 200],
    ['HTTP/1e 200', 200],
    ['HTTP/1e+ 200', 200],
    ['HTTP/0x1p3 200', 200],
    ['HTTP/0x 200', null],
    ['HTTP/inf 200', 200],
    ['HTTP/infinity 200', 200],
    ['HTTP/infinit 200', null],
    ['HTTP/nan 200', 200],
    ['HTTP/nan(x) 200', null],
    ['HTTP/-1 200', 200],
    ['HTTP/1.1 +200', 200],
    ['HTTP/1.1200', null],
    ['HTTP/x 200', null],
    ['HTTP/. 200', null],
    ['HTTP/1.1', null],
    ['HTTP/1.1 OK', null],
    ['HTTP/1.1 -4294967096', 200],
    ['HTTP/1.1 4294967496', 200],
    ['HTTP/1.1 99999999999999999999999', 4294967295],
    ['HTTP/1.1 0x1f', 0],
    ['HTTP/1.1.1 200', null],
    ['HTTP/', null],
    ['', null],
  ];
  for (const [line, status] of cases) assert.equal(scanStatus(line), status, JSON.stringify(line));
});

test('the kept line is the first 127 bytes cut at CR, LF or NUL', () => {
  assert.equal(statusLine(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n')), 'HTTP/1.1 200 OK');
  assert.equal(statusLine(Buffer.from('HTTP/1.1 200 OK\nServer: x\n')), 'HTTP/1.1 200 OK');
  assert.equal(statusLine(Buffer.from('HTTP/1.1 200\0 OK\r\n')), 'HTTP/1.1 200');
  assert.equal(statusLine(Buffer.from('\r\nHTTP/1.1 200 OK')), '');
  const long = 'HTTP/1.1 200 ' + 'x'.repeat(200);
  assert.equal(statusLine(Buffer.from(long)), long.slice(0, 127));
  assert.equal(statusLine(Buffer.from([0x48, 0xe9, 0x0d])), 'H\u00e9');
});

test('lines of the same length are told apart byte by byte, however often each was seen', () => {
  const lines = ['HTTP/1.1 200 OK', 'HTTP/1.1 500 OK', 'HTTP/1.1 200 Ok', 'HTTP/1.1 200 OK'];
  for (let round = 0; round < 3; round++) {
    for (const line of lines) assert.equal(statusLine(Buffer.from(`${line}\r\n\r\n`)), line);
  }
  // More distinct lines than are remembered, then the first again.
  for (let i = 0; i < 20; i++) assert.equal(statusLine(Buffer.from(`HTTP/1.1 ${200 + i} OK\r\n`)), `HTTP/1.1 ${200 + i} OK`);
  assert.equal(statusLine(Buffer.from('HTTP/1.1 200 OK\r\n')), 'HTTP/1.1 200 OK');
  // A line read from the middle of a larger buffer (a pooled read).
  const pooled = Buffer.from('xxxxHTTP/1.1 503 Service Unavailable\r\n');
  assert.equal(statusLine(pooled.subarray(4)), 'HTTP/1.1 503 Service Unavailable');
});
