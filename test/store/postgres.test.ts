// The PostgreSQL store against a real server (test/support/postgres.ts): the conformance suite
// every Store runs, then what only a fleet on one database can show — migrations run once
// whichever nodes start together, events reaching the other nodes, and two nodes racing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { openPostgresStore, parsePostgresUrl, StoreConflictError, StoreUnavailableError, type PurgeAck, type Store, type StoreEvent } from '../../src/store/index.ts';
import { freshDatabase } from '../support/postgres.ts';
import { runStoreConformance } from './conformance.ts';

const silent = pino({ level: 'silent' });

async function open(url: string, pollMs = 1_000): Promise<Store> {
  return openPostgresStore(parsePostgresUrl(url), { logger: silent, pollMs });
}

runStoreConformance(async () => open(await freshDatabase()));

async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('nodes starting together on an empty database run each migration once, under the advisory lock', async (t) => {
  const url = await freshDatabase();
  const opened = await Promise.allSettled(Array.from({ length: 6 }, () => open(url)));
  const stores = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  assert.deepEqual(opened.filter((r) => r.status === 'rejected'), [], 'every node started');
  const rows = await query<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r.version), [1, 2, 3, 4, 10, 20, 30, 40]);
  // And each store works.
  await Promise.all(stores.map((s, i) => s.transaction((tx) => tx.insertService({ id: `s${i}`, name: 'n', comment: null, createdAt: 't', updatedAt: 't' }))));
});

test('an event committed on one node reaches every other node once, in commit order, and its own node once', async (t) => {
  const url = await freshDatabase();
  const [a, b, c] = await Promise.all([open(url), open(url), open(url)]);
  t.after(() => Promise.all([a.close(), b.close(), c.close()]));
  const seen = new Map<Store, StoreEvent[]>([[a, []], [b, []], [c, []]]);
  for (const [store, list] of seen) store.events.on('event', (e) => list.push(e));
  const events: StoreEvent[] = Array.from({ length: 5 }, (_, i) => ({ type: 'activated', serviceId: 'svc', version: i + 1 }));
  for (const e of events) await a.transaction(async (tx) => tx.publish(e));
  assert.deepEqual(seen.get(a), events, 'the committing node has them when its transactions resolve');
  await waitUntil(() => seen.get(b)?.length === 5 && seen.get(c)?.length === 5, 'b and c have all five');
  await new Promise((r) => setTimeout(r, 1_200)); // a poll later: still once each
  for (const list of seen.values()) assert.deepEqual(list, events);
});

test('an event whose notification was lost is read by the next poll', async (t) => {
  const url = await freshDatabase();
  const store = await open(url, 50);
  t.after(() => store.close());
  const seen: StoreEvent[] = [];
  store.events.on('event', (e) => seen.push(e));
  const event: StoreEvent = { type: 'deactivated', serviceId: 'quiet', version: 3 };
  // Written as a node would, but never announced.
  await query(url, 'INSERT INTO events (payload, created_at) VALUES ($1, 0)', [JSON.stringify(event)]);
  await waitUntil(() => seen.length === 1, 'the poll delivered it', 2_000);
  assert.deepEqual(seen, [event]);
});

test('an event or an acknowledgement that is not JSON is skipped, and what follows still arrives', async (t) => {
  const url = await freshDatabase();
  const store = await open(url, 50);
  t.after(() => store.close());
  const seen: StoreEvent[] = [];
  const acks: PurgeAck[] = [];
  store.events.on('event', (e) => seen.push(e));
  store.events.on('ack', (a) => acks.push(a));
  await query(url, `INSERT INTO events (payload, created_at) VALUES ('{broken', 0), ('{"type":"activated","serviceId":"next","version":1}', 0)`);
  await query(url, `SELECT pg_notify('lacquer_acks', '{broken'), pg_notify('lacquer_acks', '{"purgeId":"p","nodeId":"n"}')`);
  await waitUntil(() => seen.length === 1 && acks.length === 1, 'the good event and acknowledgement arrived', 2_000);
  assert.deepEqual(seen, [{ type: 'activated', serviceId: 'next', version: 1 }]);
  assert.deepEqual(acks, [{ purgeId: 'p', nodeId: 'n' }]);
});

test('a node whose unread events were pruned is told to resync and goes on from the newest event', async (t) => {
  const url = await freshDatabase();
  const [writer, reader] = await Promise.all([open(url), open(url, 50)]);
  t.after(() => Promise.all([writer.close(), reader.close()]));
  let resyncs = 0;
  const seen: StoreEvent[] = [];
  reader.events.on('resync', () => resyncs++);
  reader.events.on('event', (e) => seen.push(e));
  // As if the reader had been away while events were written and pruned: one transaction, so
  // no poll reads the event before the log says it is gone.
  await query(url, `INSERT INTO events (payload, created_at) VALUES ('{"type":"activated","serviceId":"old","version":1}', 0);
    UPDATE event_log SET pruned_through = (SELECT MAX(id) FROM events); DELETE FROM events`);
  await waitUntil(() => resyncs === 1, 'the reader was told to resync', 2_000);
  const next: StoreEvent = { type: 'activated', serviceId: 'new', version: 2 };
  await writer.transaction(async (tx) => tx.publish(next));
  await waitUntil(() => seen.length >= 1, 'the next event arrives');
  assert.deepEqual(seen, [next]);
  assert.equal(resyncs, 1);
});

test('pruning keeps recent events and records how far it went', async (t) => {
  const url = await freshDatabase();
  const store = await open(url);
  t.after(() => store.close());
  await store.transaction(async (tx) => tx.publish({ type: 'activated', serviceId: 's', version: 1 }));
  await store.transaction((tx) => tx.pruneFleet({ nodesMs: 60_000, acksMs: 60_000, eventsMs: 60_000 }));
  assert.deepEqual(await query(url, 'SELECT pruned_through FROM event_log'), [{ pruned_through: '0' }]);
  await query(url, 'UPDATE events SET created_at = 0');
  await store.transaction((tx) => tx.pruneFleet({ nodesMs: 60_000, acksMs: 60_000, eventsMs: 60_000 }));
  const [{ id }] = await query<{ id: string }>(url, 'SELECT last_value AS id FROM events_id_seq');
  assert.deepEqual(await query(url, 'SELECT pruned_through FROM event_log'), [{ pruned_through: id }]);
  assert.deepEqual(await query(url, 'SELECT * FROM events'), []);
});

test('two nodes adding the same object name at once: one row, and the other gets StoreConflictError', async (t) => {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([open(url), open(url)]);
  t.after(() => Promise.all([a.close(), b.close()]));
  await a.transaction(async (tx) => {
    await tx.insertService({ id: 'svc', name: 'n', comment: null, createdAt: 't', updatedAt: 't' });
    await tx.insertVersion({ serviceId: 'svc', number: 1, active: false, locked: false, comment: null, createdAt: 't', updatedAt: 't' });
  });
  for (let round = 0; round < 10; round++) {
    const row = { serviceId: 'svc', version: 1, kind: 'backend' as const, name: `dup${round}`, data: { round }, createdAt: 't', updatedAt: 't' };
    const results = await Promise.allSettled([a, b].map((s) => s.transaction(async (tx) => {
      await tx.getObject('svc', 1, 'backend', row.name); // read first, as the API does
      await tx.insertObject(row);
    })));
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], `round ${round}`);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(failure.reason instanceof StoreConflictError, String(failure.reason));
  }
  const rows = await query<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM objects');
  assert.deepEqual(rows, [{ n: '10' }]);
});

test('an unreachable server is StoreUnavailableError naming the server, never the password', async () => {
  const err = await open('postgres://lacquer:s3cret@127.0.0.1:1/fleet').then(() => null, (e: unknown) => e);
  assert.ok(err instanceof StoreUnavailableError, String(err));
  assert.match(err.message, /^cannot reach PostgreSQL at lacquer@127\.0\.0\.1:1\/fleet: .*ECONNREFUSED/);
  assert.doesNotMatch(err.message, /s3cret/);
});
