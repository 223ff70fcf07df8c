// The dashboard's pure parts (escaping, highlighting, error mapping, sessions) and the
// live-health relay from the API's /health/events to the browser.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { fieldErrors } from '../../src/control/dashboard/api-client.ts';
import { highlightVcl, vclUses } from '../../src/control/dashboard/highlight.ts';
import { html, raw } from '../../src/control/dashboard/html.ts';
import { SessionStore } from '../../src/control/dashboard/sessions.ts';
import type { HealthEvent } from '../../src/health/index.ts';
import { Browserless, startWithHealth } from './dashboard-helpers.ts';
import { ADMIN } from './helpers.ts';

test('html escapes every interpolation except Html values', () => {
  const name = `<a href="x">'&'</a>`;
  assert.equal(html`<p title="${name}">${name}</p>`.text, '<p title="&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;">&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;</p>');
  assert.equal(html`<ul>${['<b>', html`<li>ok</li>`, null, false, undefined, 0]}</ul>`.text, '<ul>&lt;b&gt;<li>ok</li>0</ul>');
  assert.equal(html`${raw('<br>')}`.text, '<br>');
});

test('VCL is highlighted from the lexer\'s tokens, one numbered line each', () => {
  const out = highlightVcl('# hi <you>\nbackend F_a {\n  .port = "80";\n  .first_byte_timeout = 15s;\n}\n').text;
  assert.match(out, /<span class="line"><span class="tok-comment"># hi &lt;you&gt;<\/span><\/span>\n/);
  assert.match(out, /<span class="line"><span class="tok-keyword">backend<\/span> <span class="tok-backend">F_a<\/span> <span class="tok-operator">\{<\/span><\/span>\n/);
  assert.match(out, /<span class="tok-string">&quot;80&quot;<\/span>/);
  assert.match(out, /<span class="tok-number">15s<\/span>/);
  assert.equal(out.match(/class="line"/g)?.length, 5);
});

test('vclUses lists the lines that name a backend, not its declaration', () => {
  const files = [
    { name: 'generated.vcl', content: 'backend F_a { .port = "80"; }\nsub vcl_recv {\n  set req.backend = F_a;\n}\n' },
    { name: 'main', content: '# F_a in a comment\ndirector d random {\n  { .backend = F_a; .weight = 1; }\n}\n' },
  ];
  assert.deepEqual(vclUses(files, 'F_a'), ['generated.vcl line 3: set req.backend = F_a;', 'main line 3: { .backend = F_a; .weight = 1; }']);
  assert.deepEqual(vclUses(files, 'F_b'), []);
});

test('fieldErrors splits the API detail by field and renames form fields', () => {
  const known = new Set(['port', 'path']);
  assert.deepEqual(fieldErrors('port: must be an integer from 1 to 65535; path: must start with /; other: x', known, (f) => `hc_${f}`), {
    hc_port: 'must be an integer from 1 to 65535', hc_path: 'must start with /', '': 'other: x',
  });
  assert.deepEqual(fieldErrors(null, known), {});
});

test('sessions expire after their lifetime and are swept on the next sign-in', () => {
  let now = 1_000;
  const sessions = new SessionStore({ now: () => now, ttlMs: 60_000 });
  const s = sessions.create('tok', { readOnly: false, serviceId: null });
  assert.notEqual(s.id, s.csrf);
  assert.equal(sessions.get(s.id)?.token, 'tok');
  now += 59_999;
  assert.ok(sessions.get(s.id) !== null);
  now += 1;
  assert.equal(sessions.get(s.id), null);
  const old = sessions.create('a', { readOnly: false, serviceId: null });
  now += 60_000;
  sessions.create('b', { readOnly: true, serviceId: null });
  assert.equal(sessions.size, 1);
  assert.equal(sessions.get(old.id), null);
});

test('/dashboard/events relays the API\'s health events to a signed-in browser and stops listening when it leaves', async (t) => {
  const { base, health } = await startWithHealth(t);
  assert.equal((await fetch(`${base}/dashboard/events`)).status, 401);
  const browser = new Browserless(base);
  assert.equal((await browser.signIn(ADMIN)).status, 303);
  // node:http rather than fetch: destroying the request closes the socket at once, as a browser leaving the page does.
  const event: HealthEvent = { type: 'health', identity: 'id1', healthy: false, cause: 'probe', pop: 'test', at: '2026-01-01T00:00:00.000Z', backends: [{ service_id: 'S1', name: 'F_a' }] };
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const req = http.get(`${base}/dashboard/events?service_id=S1`, { headers: { cookie: `lacquer_session=${browser.cookies.get('lacquer_session')}` } }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('event: health')) {
          req.destroy();
          resolve();
        }
      });
    });
    req.on('error', reject);
    void (async () => {
      while (health.listenerCount('health') === 0) await new Promise((r) => setTimeout(r, 5));
      health.emit('health', { ...event, backends: [{ service_id: 'other', name: 'F_b' }] });
      health.emit('health', event);
    })();
  });
  assert.equal(text.slice(text.indexOf('event: health')), `event: health\ndata: ${JSON.stringify(event)}\n\n`);
  for (let i = 0; i < 200 && health.listenerCount('health') > 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(health.listenerCount('health'), 0);
});

/** Reads /dashboard/events with a session cookie until `until` holds, emitting `emit` once the relay listens. */
function readEvents(url: string, cookie: string, health: { listenerCount(e: 'health'): number }, emit: () => void, until: (text: string) => boolean): Promise<string> {
  let text = '';
  return new Promise<string>((resolve, reject) => {
    const req = http.get(url, { headers: { cookie } }, (res) => {
      assert.equal(res.statusCode, 200);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (until(text)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', reject);
    void (async () => {
      while (health.listenerCount('health') === 0) await new Promise((r) => setTimeout(r, 5));
      emit();
    })();
  });
}

test('/dashboard/events gives a service-scoped token only its own service\'s health, other services\' backends left out', async (t) => {
  const { base, health, call } = await startWithHealth(t);
  const mine = ((await call('POST', '/service', { name: 'mine' })) as { id: string }).id;
  const theirs = ((await call('POST', '/service', { name: 'theirs' })) as { id: string }).id;
  const token = ((await call('POST', '/tokens', { service_id: mine })) as { access_token: string }).access_token;
  const browser = new Browserless(base);
  assert.equal((await browser.signIn(token)).status, 303);
  const cookie = `lacquer_session=${browser.cookies.get('lacquer_session')}`;
  const other = await fetch(`${base}/dashboard/events?service_id=${theirs}`, { headers: { cookie } });
  assert.equal(other.status, 403);
  assert.equal(await other.text(), 'This token is scoped to another service.\n');
  const at = '2026-01-01T00:00:00.000Z';
  const onlyTheirs: HealthEvent = { type: 'health', identity: 'i1', healthy: false, cause: 'probe', pop: 'test', at, backends: [{ service_id: theirs, name: 'F_secret' }] };
  const shared: HealthEvent = { ...onlyTheirs, identity: 'i2', backends: [{ service_id: theirs, name: 'F_secret' }, { service_id: mine, name: 'F_a' }] };
  const text = await readEvents(`${base}/dashboard/events`, cookie, health, () => {
    health.emit('health', onlyTheirs);
    health.emit('health', shared);
  }, (s) => s.includes('event: health'));
  assert.equal(text.slice(text.indexOf('event: health')), `event: health\ndata: ${JSON.stringify({ ...shared, backends: [{ service_id: mine, name: 'F_a' }] })}\n\n`);
  assert.ok(!text.includes(theirs) && !text.includes('F_secret'), text);
});
