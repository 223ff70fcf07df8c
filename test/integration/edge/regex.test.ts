// A tenant's catastrophic regular expression against a long header, through the real edge:
// the request is answered in bounded time — with the correct answer where a linear-time
// engine can run the pattern, with 503 "Regex match limit exceeded" (logged) where only the
// bounded engine can — and the other tenants on the worker are served meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';

// On a backtracking engine this pattern takes time exponential in the number of words.
const LIST = '^(\\s*,?\\s*\\w+)*$';
// The same with a lookahead: no linear-time engine can run it, so it runs on a budget.
const LIST_LOOKAHEAD = '^(?=\\w)(\\s*,?\\s*\\w+)*$';
const TAGS = `${'tag, '.repeat(2_000)}!`;

const vcl = (pattern: string): string => `
sub vcl_recv {
  #FASTLY recv
  if (req.http.X-Tags ~ "${pattern}") { set req.http.X-Verdict = "list"; } else { set req.http.X-Verdict = "not a list"; }
  return(pass);
}
sub vcl_error {
  #FASTLY error
  set obj.http.X-Fastly-Error = fastly.error;
}
`;

test('catastrophic regexes are answered in bounded time at the edge while other services keep being served', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => res.end(`verdict: ${String(req.headers['x-verdict'] ?? 'none')}`));
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _enc, done) { lines.push(...chunk.toString().split('\n').filter((l) => l !== '')); done(); } }));
  const lq = await startEdgeStack(t, { logger });
  const backends = [{ name: 'origin', address: '127.0.0.1', port }];
  await lq.createService({ domains: ['linear.example'], backends, vcl: vcl(LIST) });
  await lq.createService({ domains: ['bounded.example'], backends, vcl: vcl(LIST_LOOKAHEAD) });
  await lq.createService({ domains: ['bystander.example'], backends });

  const started = Date.now();
  const hostile = { path: '/', headers: { 'x-tags': TAGS }, timeoutMs: 20_000 };
  const replies = await Promise.all([
    lq.edge('linear.example', hostile),
    lq.edge('bounded.example', hostile),
    ...Array.from({ length: 10 }, (_, i) => lq.edge('bystander.example', { path: `/page/${i}`, timeoutMs: 20_000 })),
    lq.edge('linear.example', hostile),
    lq.edge('bounded.example', hostile),
  ]);
  const elapsed = Date.now() - started;

  const [linear, bounded, ...rest] = replies;
  assert.deepEqual([linear.statusLine, linear.body], ['HTTP/1.1 200 OK', 'verdict: not a list']);
  assert.equal(bounded.statusLine, 'HTTP/1.1 503 Regex match limit exceeded');
  assert.equal(bounded.headers['x-fastly-error'], 'EREGRECUR');
  const bystanders = rest.slice(0, 10);
  assert.deepEqual(bystanders.map((r) => [r.statusLine, r.body]), bystanders.map(() => ['HTTP/1.1 200 OK', 'verdict: none']));
  assert.deepEqual(rest.slice(10).map((r) => r.statusLine), ['HTTP/1.1 200 OK', 'HTTP/1.1 503 Regex match limit exceeded']);
  // Liveness, not speed: on a backtracking engine this batch would not finish in a lifetime.
  assert.ok(elapsed < 15_000, `the batch took ${elapsed} ms`);

  const logged = lines.map((l) => JSON.parse(l) as { msg: string; service?: string }).filter((l) => l.msg.includes('EREGRECUR'));
  assert.equal(logged.length, 2);
  assert.equal(logged[0].msg, `VCL error in vcl_recv: regular expression "${LIST_LOOKAHEAD}" exceeded its match limit (1000000 steps) on a ${TAGS.length}-character subject (fastly.error EREGRECUR)`);
});

test('a service whose regex is linear answers correctly on a long header that matches', async (t) => {
  const { port } = await httpOrigin(t, (req, res) => res.end(`verdict: ${String(req.headers['x-verdict'] ?? 'none')}`));
  const lq = await startEdgeStack(t);
  await lq.createService({ domains: ['linear.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: vcl(LIST) });
  const r = await lq.edge('linear.example', { headers: { 'x-tags': `${'tag, '.repeat(2_000)}end` } });
  assert.deepEqual([r.statusLine, r.body], ['HTTP/1.1 200 OK', 'verdict: list']);
});
