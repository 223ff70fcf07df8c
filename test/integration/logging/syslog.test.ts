// Syslog delivery end to end, configured only through the API: an endpoint in a version, the
// version activated, requests to the edge, lines at a real receiver on loopback (TCP, TLS, UDP),
// one line per request with the format's fields, framed as the endpoint's message_type says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullBacklogPort, httpOrigin, selfSignedCert } from '../../edge/helpers.ts';
import { startEdgeStack, TOKEN, waitFor } from '../harness.ts';
import { syslogTcp, syslogUdp } from './receivers.ts';
import { loggedService } from './service.ts';

const CLF = /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/page-(\d) HTTP\/1\.1" 200 (\d+)$/;

test('every request to the edge is one syslog line over TCP in the default format, with the classic header', async (t) => {
  const lq = await startEdgeStack(t);
  const rx = await syslogTcp(t);
  const sid = await loggedService(t, lq, 'tcp.example', [['logging/syslog', { name: 'my syslog', address: '127.0.0.1', port: rx.port }]]);
  for (let i = 0; i < 5; i++) assert.equal((await lq.edge('tcp.example', { path: `/page-${i}` })).status, 200);
  await waitFor(() => rx.lines.length >= 5, 5000, 'five lines arrive');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(rx.lines.length, 5);
  rx.lines.forEach((line, i) => {
    const m = /^<134>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \S+ my_syslog: (.*)$/.exec(line);
    assert.ok(m !== null, line);
    const clf = CLF.exec(m[1]);
    assert.ok(clf !== null, m[1]);
    assert.deepEqual([clf[1], clf[2]], [String(i), String(`body of /page-${i}`.length)]);
  });
  const bytes = rx.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const metrics = await (await fetch(`${lq.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const labels = `{service="${sid}",endpoint="my syslog"}`;
  assert.ok(metrics.includes(`lacquer_log_lines_total${labels} 5\n`), metrics);
  assert.ok(metrics.includes(`lacquer_log_bytes_total${labels} ${bytes}\n`), metrics);
  assert.match(metrics, new RegExp(`lacquer_log_batches_total\\{service="${sid}",endpoint="my syslog"\\} [1-5]\n`));
  assert.doesNotMatch(metrics, /lacquer_log_dropped_lines_total\{/);
});

test('a syslog endpoint over TLS with a token and the blank message type gets the token and the bare line', async (t) => {
  const lq = await startEdgeStack(t);
  const cert = await selfSignedCert(['logs.localhost']);
  const rx = await syslogTcp(t, cert);
  await loggedService(t, lq, 'tls.example', [['logging/syslog', {
    name: 'secure', address: '127.0.0.1', port: rx.port, use_tls: 1, tls_ca_cert: cert.cert, tls_hostname: 'logs.localhost',
    token: 'tok-123', message_type: 'blank', format: '%m %U %>s %{X-Trace}i',
  }]]);
  await lq.edge('tls.example', { path: '/a?q=1', headers: { 'x-trace': 'abc' } });
  await lq.edge('tls.example', { path: '/b' });
  await waitFor(() => rx.lines.length >= 2, 5000, 'two lines arrive');
  assert.deepEqual(rx.lines, ['tok-123 GET /a 200 abc', 'tok-123 GET /b 200 ']);
});

test('a syslog endpoint over UDP sends one datagram per request', async (t) => {
  const lq = await startEdgeStack(t);
  const rx = await syslogUdp(t);
  await loggedService(t, lq, 'udp.example', [['logging/syslog', { name: 'udp', address: '127.0.0.1', port: rx.port, protocol: 'udp', message_type: 'loggly', format: '%{req.url}V' }]]);
  for (const p of ['/x', '/y', '/z']) await lq.edge('udp.example', { path: p });
  await waitFor(() => rx.lines.length >= 3, 5000, 'three datagrams arrive');
  assert.deepEqual(rx.lines.map((l) => l.replace(/^<134>1 \S+ \S+ udp - - - /, '')), ['/x', '/y', '/z']);
});

test('a response_condition logs only the responses it matches', async (t) => {
  const lq = await startEdgeStack(t);
  const rx = await syslogTcp(t);
  await loggedService(t, lq, 'cond.example', [
    ['condition', { name: 'only_b', type: 'RESPONSE', statement: 'req.url ~ "^/b"' }],
    ['logging/syslog', { name: 'cond', address: '127.0.0.1', port: rx.port, message_type: 'blank', format: '%U', response_condition: 'only_b' }],
  ]);
  for (const p of ['/a', '/b1', '/c', '/b2']) await lq.edge('cond.example', { path: p });
  await waitFor(() => rx.lines.length >= 2, 5000, 'two lines arrive');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(rx.lines, ['/b1', '/b2']);
});

test('placement none generates no log statement, and a log statement in custom VCL routes to the endpoint', async (t) => {
  const lq = await startEdgeStack(t);
  const rx = await syslogTcp(t);
  const { port } = await httpOrigin(t, (_req, res) => res.end('ok'));
  const { id } = await lq.apiOk('POST', '/service', { name: 'custom' }) as { id: string };
  const base = `/service/${id}/version/1`;
  await lq.apiOk('POST', `${base}/domain`, { name: 'custom.example' });
  await lq.apiOk('POST', `${base}/backend`, { name: 'web', address: '127.0.0.1', port });
  await lq.apiOk('POST', `${base}/logging/syslog`, { name: 'mine', address: '127.0.0.1', port: rx.port, placement: 'none', message_type: 'blank' });
  await lq.apiOk('POST', `${base}/vcl`, {
    name: 'main', main: true,
    content: `sub vcl_recv {\n#FASTLY recv\n  return(lookup);\n}\nsub vcl_log {\n#FASTLY log\n  log {"syslog ${id} mine :: custom "} req.url;\n  log {"syslog ${id} other :: not routed"};\n}\n`,
  });
  const generated = await lq.apiOk('GET', `${base}/generated_vcl`) as { content: string };
  assert.doesNotMatch(generated.content, /logging syslog mine/);
  await lq.activate(id, 1);
  await lq.edge('custom.example', { path: '/hello' });
  await waitFor(() => rx.lines.length >= 1, 5000, 'the line arrives');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(rx.lines, ['custom /hello']);
});

test('a receiver that is down and comes back loses no line', async (t) => {
  const lq = await startEdgeStack(t);
  const rx = await syslogTcp(t);
  await loggedService(t, lq, 'down.example', [['logging/syslog', { name: 'flaky', address: '127.0.0.1', port: rx.port, message_type: 'blank', format: '%U' }]]);
  await lq.edge('down.example', { path: '/0' });
  await waitFor(() => rx.lines.length === 1, 5000, 'the first line arrives');
  await rx.stop();
  for (let i = 1; i <= 20; i++) assert.equal((await lq.edge('down.example', { path: `/${i}` })).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  await rx.start();
  await waitFor(() => rx.lines.length >= 21, 10_000, 'every line arrives after the receiver is back');
  assert.deepEqual(rx.lines, Array.from({ length: 21 }, (_, i) => `/${i}`));
  const metrics = await (await fetch(`${lq.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  assert.match(metrics, /lacquer_log_retries_total\{service="[^"]+",endpoint="flaky"\} [1-9]/);
});

test('receivers that never answer do not hold up a request: each of 100 answers within 5 s', async (t) => {
  const lq = await startEdgeStack(t, { logIntake: 'datadog=http://127.0.0.1:1' });
  const blackhole = await fullBacklogPort(t);
  await loggedService(t, lq, 'dead.example', [
    ['logging/syslog', { name: 'hung', address: '127.0.0.1', port: blackhole }],
    ['logging/datadog', { name: 'refused', token: 'k' }],
  ]);
  // A request that waited on a log delivery would hang: the edge request fails after 5 s.
  for (let i = 0; i < 100; i++) assert.equal((await lq.edge('dead.example', { path: `/${i}`, timeoutMs: 5000 })).status, 200);
});
