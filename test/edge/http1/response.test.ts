// FastResponse's head when writeHead is given a `base` (a cached object's delivery fields): the
// fields still equal to the base's come from its serialisation, and anything VCL changed,
// removed or reordered is written as it now is — the bytes equal those written without a base.
import assert from 'node:assert/strict';
import type http from 'node:http';
import type net from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { FastResponse, type ResponseConnection } from '../../../src/edge/http1/response.ts';
import { parseRequestHead, type RequestHead } from '../../../src/edge/http1/request-head.ts';

const HEAD = parseRequestHead(Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'), 0) as RequestHead;

/** Writes one response and returns its head as text (body left off). */
function written(fields: http.OutgoingHttpHeaders, base: http.OutgoingHttpHeaders | null, status = 200, reason = 'OK', chunks: Buffer[] = []): string {
  const socket = { write: (b: Buffer | string) => chunks.push(Buffer.from(b as Buffer)), cork() {}, uncork() {}, writableNeedDrain: false };
  const conn: ResponseConnection = { socket: socket as unknown as net.Socket, keepAliveSeconds: 5, closing: false, finished() {} };
  new FastResponse(conn, HEAD).writeHead(status, reason, fields, base).end(Buffer.from('body'));
  const text = Buffer.concat(chunks).toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n') + 4);
}

const BASE = Object.freeze({ 'content-type': 'text/plain', 'cache-control': 'max-age=60', 'set-cookie': ['a=1', 'b=2'], 'content-length': '4', date: 'Sun, 22 Nov 2026 04:00:00 GMT' });

test('a base left as it is gives the same head as the same fields written without one', () => {
  const fields = { ...BASE, age: '3', 'x-cache': 'HIT' };
  const head = written(fields, BASE);
  assert.equal(head, written({ ...fields }, null));
  assert.equal(head, 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncache-control: max-age=60\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n'
    + 'content-length: 4\r\ndate: Sun, 22 Nov 2026 04:00:00 GMT\r\nage: 3\r\nx-cache: HIT\r\nconnection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n');
  // Written again from the serialisation kept for the base.
  assert.equal(written({ ...BASE, age: '4', 'x-cache': 'HIT' }, BASE), head.replace('age: 3', 'age: 4'));
});

test('a base field changed, removed or moved is written as the fields now are, once', () => {
  const changed = { ...BASE, 'cache-control': 'private' };
  assert.equal(written(changed, BASE), written({ ...changed }, null));
  assert.equal((written(changed, BASE).match(/cache-control/g) ?? []).length, 1);

  const removed: http.OutgoingHttpHeaders = { ...BASE };
  delete removed['cache-control'];
  assert.equal(written(removed, BASE), written({ ...removed }, null));
  assert.doesNotMatch(written(removed, BASE), /cache-control/);

  const moved: http.OutgoingHttpHeaders = { ...BASE };
  delete moved['content-type'];
  moved['content-type'] = 'text/plain';
  assert.equal(written(moved, BASE), written({ ...moved }, null));
  assert.equal((written(moved, BASE).match(/content-type/g) ?? []).length, 1);
});

test('a base without Date or Content-Length gets them from the response, as without a base', () => {
  const base = Object.freeze({ 'content-type': 'text/plain' });
  const head = written({ ...base }, base);
  assert.match(head, /\r\ndate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
  assert.match(head, /\r\ncontent-length: 4\r\n/);
});

test('a base with a CR/LF value is refused as the same fields are without one', () => {
  const base = Object.freeze({ 'x-bad': 'a\r\nb' });
  assert.throws(() => written({ ...base }, base), { code: 'ERR_INVALID_CHAR' });
});

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
/** A value node:http accepts: tab, printable ASCII and latin1 above DEL. */
const VALUE_CHARS = ['\t', ...Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)), ...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x80 + i))];

test('any fields, with or without a base, are written as their lines in order after the status line', () => {
  const name = fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 12 })
    .filter((n) => !['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', '__proto__'].includes(n));
  const value = fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 30 });
  const fieldValue = fc.oneof(value, fc.nat(), fc.array(value, { minLength: 1, maxLength: 3 }));
  const fields = fc.uniqueArray(fc.tuple(name, fieldValue), { selector: ([n]) => n, maxLength: 8 });
  fc.assert(fc.property(fields, fc.nat(8), fc.integer({ min: 200, max: 599 }), (list, baseCount, status) => {
    const all: http.OutgoingHttpHeaders = { date: 'Sun, 22 Nov 2026 04:00:00 GMT' };
    for (const [n, v] of list) all[n] = v;
    const base = Object.freeze(Object.fromEntries(Object.entries(all).slice(0, baseCount)));
    const bodyAllowed = status !== 204 && status !== 304;
    let expected = `HTTP/1.1 ${status} Some Reason\r\n`;
    for (const [n, v] of Object.entries(all)) for (const one of Array.isArray(v) ? v : [v]) expected += `${n}: ${one}\r\n`;
    expected += `${bodyAllowed ? 'content-length: 4\r\n' : ''}connection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n`;
    assert.equal(written({ ...all }, base, status, 'Some Reason'), expected);
    assert.equal(written({ ...all }, null, status, 'Some Reason'), expected);
  }), { numRuns: 500 });
});

test('a control character or one beyond latin1 in any value, or in the reason, is refused before anything is written', () => {
  const bad = fc.constantFrom('\r', '\n', '\0', '\x7f', '\x1b', '\u0100', '\u20ac');
  fc.assert(fc.property(fc.string({ maxLength: 5 }).filter((v) => !/[^\t\x20-\x7e\x80-\xff]/.test(v)), bad, fc.boolean(), (ok, c, inReason) => {
    const chunks: Buffer[] = [];
    const fields = inReason ? { 'x-ok': ok } : { 'x-ok': ok, 'x-bad': [ok, `${ok}${c}`] };
    assert.throws(() => written(fields, null, 200, inReason ? `OK${c}` : 'OK', chunks), { code: 'ERR_INVALID_CHAR' });
    assert.equal(chunks.length, 0);
  }));
});
