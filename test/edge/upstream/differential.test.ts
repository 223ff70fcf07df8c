// The edge's own response reader against undici's (llhttp) on generated responses: an origin on
// loopback writes each generated response (in one to three writes) and closes; the edge's
// exchange and an undici Client each fetch it. Where undici reads a response, the edge reads the
// same status, reason, end-to-end fields and body; where undici refuses one, the edge refuses it
// too. The edge is stricter on purpose in a few named ways, each with its reason:
//
//   - bytes after the end of the response (a body longer than its Content-Length, more after a
//     chunked body's end or after a 204): refused as `backend read error`. undici cuts the body
//     at its framing and drops the rest; the edge refuses it, as the response is not what its
//     framing says and the connection is out of step (the brief's malformed framing).
//   - a Transfer-Encoding other than exactly `chunked`: refused (Varnish: "Unknown transfer
//     encoding"); undici reads `gzip, chunked` as chunked and passes the gzip body on unmarked.
//   - a version other than HTTP/1.0 or HTTP/1.1: refused (Varnish refuses below 1.0; RFC 9112
//     §2.3 — a 1.1 client cannot know how to read 2.0 framing on an HTTP/1 connection).
//   - a control character in the reason phrase: refused (RFC 9112 §4 reason-phrase); it would be
//     written back to the client in the edge's status line.
//   - 1xx responses before the final one: the edge reads and drops them (RFC 9110 §15.2: a
//     client must be able to); undici fails the request.
// And it reads one thing differently: a reason phrase with obs-text is read as latin1, as field
// values are (RFC 9110 §5.5), and goes back to the client byte for byte; undici decodes it as
// UTF-8 and replaces the byte with U+FFFD, which the edge's status line could not carry.
// The writes are never cut inside the status line: undici keeps only the last piece of a reason
// phrase that arrives in two reads (`HTTP/1.1 200 O` then `K` reads as reason "K"); the edge
// reads it whole, as the head-level tests check.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { Client, type Dispatcher } from 'undici';
import { EdgeError } from '../../../src/edge/errors.ts';
import { stripHopByHop } from '../../../src/edge/headers.ts';
import { UpstreamPools } from '../../../src/edge/upstream/index.ts';
import { backend, portOf } from '../helpers.ts';

type Outcome =
  | { readonly ok: true; readonly status: number; readonly reason: string; readonly headers: Record<string, unknown>; readonly body: string }
  | { readonly ok: false };

/** How the edge's reading of a generated response relates to undici's. */
type Expect = 'same' | 'edge refuses' | 'edge reads the final response' | 'same, the reason as latin1';

interface Generated {
  readonly pieces: readonly string[];
  readonly expect: Expect;
  readonly reason: string;
}

const TIMEOUT_MS = 400;

async function edgeFetch(port: number): Promise<Outcome> {
  const pools = new UpstreamPools({ cdnId: 'diff' });
  try {
    const res = await pools.fetch(backend({ port, firstByteTimeoutMs: TIMEOUT_MS, betweenBytesTimeoutMs: TIMEOUT_MS }),
      { method: 'GET', path: '/', headers: { host: 'diff.test' } }, { clientIp: '192.0.2.1' });
    let body: string;
    if (res.whole !== null) {
      body = res.whole.toString('latin1');
    } else {
      const parts: Buffer[] = [];
      for await (const c of res.body) parts.push(c as Buffer);
      body = Buffer.concat(parts).toString('latin1');
    }
    const outcome = await res.completed;
    if (outcome.truncated) return { ok: false };
    return { ok: true, status: res.status, reason: res.statusText, headers: { ...res.headers }, body };
  } catch (err) {
    assert.ok(err instanceof EdgeError, String(err));
    assert.equal(err.reason, 'backend read error', `refused as ${err.reason}`);
    return { ok: false };
  } finally {
    await pools.destroy();
  }
}

async function undiciFetch(port: number): Promise<Outcome> {
  const client = new Client(`http://127.0.0.1:${port}`, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  try {
    return await new Promise<Outcome>((resolve) => {
      let head: { status: number; reason: string; headers: Record<string, unknown> } | null = null;
      const parts: Buffer[] = [];
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart() {},
        onResponseStart(_c, status, headers, reason) {
          head = { status, reason: reason ?? '', headers: { ...stripHopByHop(headers) } };
        },
        onResponseData(_c, chunk) { parts.push(chunk); },
        onResponseEnd() {
          resolve(head === null ? { ok: false } : { ok: true, ...head, body: Buffer.concat(parts).toString('latin1') });
        },
        onResponseError() { resolve({ ok: false }); },
      };
      try {
        client.dispatch({ method: 'GET', path: '/', headers: { host: 'diff.test' } }, handler);
      } catch {
        resolve({ ok: false });
      }
    });
  } finally {
    await client.destroy().catch(() => {});
  }
}

// --- the generator -----------------------------------------------------------------------

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/).filter((n) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'upgrade', 'proxy-connection', 'expect'].includes(n));
const fieldValue = fc.stringMatching(/^([!-~\x80-\xff]([ \t!-~\x80-\xff]{0,10}[!-~\x80-\xff])?)?$/);
const bodyText = fc.stringMatching(/^[ -~\r\n]{0,40}$/);
const reason = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('OK', 'Not Found', 'Some Reason', 'caf\xe9', 'a\tb', '') }, { weight: 1, arbitrary: fc.constant('bad\x01reason') });

function chunked(body: string, sizes: readonly number[], ext: boolean, trailer: boolean, upper: boolean): string {
  let out = '';
  let at = 0;
  for (const n of sizes) {
    if (at >= body.length) break;
    const piece = body.slice(at, at + n);
    at += piece.length;
    const size = piece.length.toString(16);
    out += `${upper ? size.toUpperCase() : size}${ext ? ';x=1' : ''}\r\n${piece}\r\n`;
  }
  if (at < body.length) out += `${(body.length - at).toString(16)}\r\n${body.slice(at)}\r\n`;
  return `${out}0\r\n${trailer ? 'X-Trailer: t\r\n' : ''}\r\n`;
}

/** `arbitrary` one time in `n`, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

const framingKinds = ['length', 'chunked', 'close', 'both', 'te-gzip', 'te-gzip-chunked', 'length-short', 'length-long', 'chunked-extra', 'chunked-bad-size', 'chunked-no-crlf'] as const;

const response = fc.record({
  version: fc.oneof({ weight: 10, arbitrary: fc.constant('HTTP/1.1') }, { weight: 2, arbitrary: fc.constant('HTTP/1.0') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/1.2') }),
  status: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(200, 201, 206, 301, 404, 410, 500, 503) }, { weight: 1, arbitrary: fc.constantFrom(204, 304) }),
  reason,
  fields: fc.array(fc.tuple(token, fieldValue), { maxLength: 5 }),
  badField: sometimes(fc.constantFrom('X-A: a\x00b', 'X-B : b', 'X-C: c\r\n d', 'X(D: d', 'X-E: e\x7fe'), 8),
  framing: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<(typeof framingKinds)[number]>('length', 'chunked', 'close') },
    { weight: 8, arbitrary: fc.constantFrom(...framingKinds) },
  ),
  body: bodyText,
  sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
  ext: fc.boolean(),
  trailer: fc.boolean(),
  upper: fc.boolean(),
  interim: sometimes(fc.constantFrom('HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'), 10),
  cuts: fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 2 }),
}).map((r): Generated => {
  const noBody = r.status === 204 || r.status === 304;
  let framing = '';
  let body = r.body;
  let expect: Expect = 'same';
  switch (r.framing) {
    case 'length': framing = `Content-Length: ${body.length}\r\n`; break;
    case 'length-short': framing = `Content-Length: ${body.length + 5}\r\n`; break;
    case 'length-long':
      framing = `Content-Length: ${body.length}\r\n`;
      body += 'EXTRA';
      expect = 'edge refuses';
      break;
    case 'chunked': framing = 'Transfer-Encoding: chunked\r\n'; body = chunked(body, r.sizes, r.ext, r.trailer, r.upper); break;
    case 'chunked-extra':
      framing = 'Transfer-Encoding: chunked\r\n';
      body = `${chunked(body, r.sizes, r.ext, r.trailer, r.upper)}EXTRA`;
      expect = 'edge refuses';
      break;
    case 'chunked-bad-size': framing = 'Transfer-Encoding: chunked\r\n'; body = `zz\r\n${body}\r\n0\r\n\r\n`; break;
    case 'chunked-no-crlf': framing = 'Transfer-Encoding: chunked\r\n'; body = `3\r\nabcX\r\n0\r\n\r\n`; break;
    case 'close': break;
    case 'both': framing = `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`; body = chunked(body, r.sizes, false, false, false); break;
    case 'te-gzip': framing = 'Transfer-Encoding: gzip\r\n'; expect = 'edge refuses'; break;
    case 'te-gzip-chunked': framing = 'Transfer-Encoding: gzip, chunked\r\n'; body = chunked(body, r.sizes, false, false, false); expect = 'edge refuses'; break;
  }
  // A 204 or 304 has no body: whatever follows its head is more than its framing allows.
  let extraAt = r.framing === 'length-long' || r.framing === 'chunked-extra' ? -5 : null;
  if (noBody && body.length > 0 && expect === 'same' && r.framing !== 'both') {
    expect = 'edge refuses';
    extraAt = -body.length;
  }
  if (r.version !== 'HTTP/1.1' && r.version !== 'HTTP/1.0') expect = 'edge refuses';
  if (r.reason.includes('\x01')) expect = 'edge refuses';
  const lines = r.fields.map(([n, v]) => `${n}: ${v}\r\n`).join('') + (r.badField === null ? '' : `${r.badField}\r\n`);
  const final = `${r.version} ${r.status} ${r.reason}\r\n${lines}${framing}\r\n${body}`;
  let text = final;
  if (r.interim !== null && expect === 'same') {
    text = r.interim + final;
    expect = 'edge reads the final response';
  }
  if (/[\x80-\xff]/.test(r.reason) && expect === 'same') expect = 'same, the reason as latin1';
  const statusLineEnd = text.indexOf('\r\n') + 2;
  // Bytes after the end that arrive in a later read than the end are, to any reader, the start
  // of something unasked for on an idle connection: the edge has delivered the response by then
  // and closes the connection (tested in exchange.test.ts). Here they share the end's read.
  const end = extraAt === null ? -1 : text.length + extraAt;
  const cuts = [...new Set(r.cuts.map((c) => statusLineEnd + c).map((c) => (c === end ? c + 1 : c)).filter((c) => c < text.length))].sort((a, b) => a - b);
  const at = [0, ...cuts, text.length];
  const pieces = at.slice(1).map((end, i) => text.slice(at[i], end));
  return { pieces, expect, reason: r.reason };
});

test('the edge reads generated origin responses as undici does, and refuses what undici refuses', { timeout: 120_000 }, async (t) => {
  let current: readonly string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const pieces = current;
    s.once('data', () => {
      void (async () => {
        for (const [i, p] of pieces.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 2));
          if (!s.writable) return;
          s.write(Buffer.from(p, 'latin1'));
        }
        s.end();
      })();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = portOf(server);
  const counts = new Map<string, number>();

  await fc.assert(fc.asyncProperty(response, async (g) => {
    current = g.pieces;
    const edge = await edgeFetch(port);
    const reference = await undiciFetch(port);
    const text = JSON.stringify(g.pieces.join(''));
    switch (g.expect) {
      case 'same':
        assert.deepEqual(edge, reference, `the edge and undici read ${text} differently`);
        break;
      case 'same, the reason as latin1':
        assert.deepEqual(edge, reference.ok ? { ...reference, reason: g.reason } : reference, `the edge and undici read ${text} differently`);
        break;
      case 'edge refuses':
        assert.deepEqual(edge, { ok: false }, `the edge read ${text}`);
        break;
      case 'edge reads the final response': {
        // What undici reads of the final response alone.
        current = [g.pieces.join('').replace(/^HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/, '')];
        const alone = await undiciFetch(port);
        assert.deepEqual(edge, alone.ok ? { ...alone, reason: g.reason } : alone, `the edge read ${text} not as its final response`);
        break;
      }
    }
    const key = `${g.expect}: ${reference.ok ? 'undici reads' : 'undici refuses'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }), { numRuns: Number(process.env.DIFF_RUNS ?? 250) });
  t.diagnostic(JSON.stringify([...counts]));
  // The generator reached every class, both ways.
  for (const key of ['same: undici reads', 'same: undici refuses', 'edge refuses: undici reads', 'edge reads the final response: undici refuses']) {
    assert.ok((counts.get(key) ?? 0) > 0, `no generated response in "${key}" (${JSON.stringify([...counts])})`);
  }
});
