// How a node hears the fleet's events (DESIGN.md §1: "PostgreSQL LISTEN/NOTIFY + poll";
// §4.6). One dedicated connection LISTENs; a notification only says "read the log", and the
// node reads the events after the last one it applied, in id order. It also reads the log
// every `pollMs` and after every reconnect, so a notification lost while the connection was
// down costs one poll, never an event. Event ids follow commit order (./store.ts takes a lock
// around writing them), so reading "after the last one applied" skips nothing.
//
// When the connection breaks the node says so once, keeps what it has (an edge node serves its
// last configuration), tries again at most RECONNECT_MAX_MS apart, and says once that it is
// back. A node whose last applied event was pruned meanwhile cannot know what it missed: it
// emits `resync` and starts again from the newest event.
//
// Ownership: the feed owns the listening connection, its timers and the position `#last`.
import pg, { type Pool } from 'pg';
import type { Logger } from 'pino';
import type { PurgeAck, StoreEvent } from '../store.ts';
import { CONNECT_TIMEOUT_MS, type PostgresTarget } from './connection.ts';
import { describe, isUnavailable } from './errors.ts';
import { ACKS_CHANNEL, EVENTS_CHANNEL } from './channels.ts';

/** DESIGN.md §4.6: "reconnect at most 1 s apart". */
export const RECONNECT_MAX_MS = 1_000;
const RECONNECT_FIRST_MS = 100;
/** Events read per query while catching up. */
const BATCH = 500;

export interface FeedOptions {
  readonly pool: Pool;
  readonly target: PostgresTarget;
  readonly logger: Logger;
  /** How often the log is read without a notification. */
  readonly pollMs: number;
  /** Each event after the last one applied, in id order. */
  readonly deliver: (id: number, event: StoreEvent) => void;
  readonly ack: (ack: PurgeAck) => void;
  readonly resync: () => void;
}

export class EventFeed {
  readonly #o: FeedOptions;
  #client: pg.Client | null = null;
  /** The id of the last event delivered (or skipped by a resync). */
  #last = 0;
  /** When the outage being reported began; null while connected. */
  #downSince: number | null = null;
  #retryMs = RECONNECT_FIRST_MS;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #reading: Promise<void> | null = null;
  #readAgain = false;
  #closed = false;

  constructor(options: FeedOptions) {
    this.#o = options;
  }

  /** Connects and starts from the newest event; throws when the database cannot be reached. */
  async start(): Promise<void> {
    await this.#listen();
    this.#last = await this.#newest();
    this.#pollTimer = setInterval(() => this.read(), this.#o.pollMs);
    this.#pollTimer.unref();
  }

  /** Reads the log now (and once more after the read in progress, if one is). */
  read(): void {
    if (this.#closed || this.#downSince !== null) return;
    if (this.#reading !== null) {
      this.#readAgain = true;
      return;
    }
    this.#reading = this.#readLog().catch((err: unknown) => this.#lost(err)).finally(() => {
      this.#reading = null;
      if (this.#readAgain) {
        this.#readAgain = false;
        this.read();
      }
    });
  }

  /** Resolves once the read in progress (if any) is done. */
  async settled(): Promise<void> {
    while (this.#reading !== null) await this.#reading;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer);
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    await this.settled();
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#o.target.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true,
      application_name: 'lacquer-listen',
    });
    // Registered before connecting: an error on an unwatched client would end the process.
    client.on('error', (err) => this.#lost(err));
    client.on('end', () => this.#lost(new Error('the listening connection ended')));
    client.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) this.read();
      else if (n.channel === ACKS_CHANNEL && n.payload !== undefined) {
        const ack = parsed<PurgeAck>(n.payload);
        if (ack !== null) this.#o.ack(ack);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${ACKS_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    this.#client = client;
  }

  /** The position a node starts from: the newest event, or what was pruned if that is newer. */
  async #newest(): Promise<number> {
    const { rows } = await this.#o.pool.query<{ newest: string }>(
      'SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM events), (SELECT pruned_through FROM event_log)) AS newest');
    return Number(rows[0].newest);
  }

  async #readLog(): Promise<void> {
    const { rows: [log] } = await this.#o.pool.query<{ pruned_through: string }>('SELECT pruned_through FROM event_log');
    if (this.#last < Number(log.pruned_through)) {
      const from = this.#last;
      this.#last = await this.#newest();
      this.#o.logger.warn({ lastApplied: from, prunedThrough: Number(log.pruned_through) }, 'events this node had not applied were pruned: reloading everything');
      this.#o.resync();
      return;
    }
    for (;;) {
      const { rows } = await this.#o.pool.query<{ id: string; payload: string }>({
        name: 'lacquer_feed_read', text: 'SELECT id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2', values: [this.#last, BATCH],
      });
      for (const row of rows) {
        this.#last = Number(row.id);
        const event = parsed<StoreEvent>(row.payload);
        // Written by a node of this fleet; one that is not JSON is skipped, not read forever.
        if (event === null) this.#o.logger.error({ id: this.#last }, 'skipped an event that is not JSON');
        else this.#o.deliver(this.#last, event);
      }
      if (rows.length < BATCH || this.#closed) return;
    }
  }

  /** The connection (or a read) failed: report the outage once and reconnect. */
  #lost(err: unknown): void {
    if (this.#closed) return;
    if (!isUnavailable(err) && this.#client !== null && this.#downSince === null) {
      // A read that failed for another reason (a bug, a broken row): say so, keep listening.
      this.#o.logger.error({ err }, 'could not read the fleet\'s events; retrying at the next poll');
      return;
    }
    const client = this.#client;
    this.#client = null;
    if (client !== null) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
    }
    if (this.#downSince === null) {
      this.#downSince = Date.now();
      this.#retryMs = RECONNECT_FIRST_MS;
      this.#o.logger.warn({ db: this.#o.target.label, err: describe(err) },
        `database unreachable: keeping the last configuration; reconnecting at most ${RECONNECT_MAX_MS} ms apart`);
    }
    if (this.#reconnectTimer === null) this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#reconnect();
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
  }

  async #reconnect(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#listen();
    } catch {
      if (!this.#closed) this.#scheduleReconnect();
      return;
    }
    const downMs = Date.now() - (this.#downSince ?? Date.now());
    this.#downSince = null;
    this.#o.logger.info({ db: this.#o.target.label, downMs }, 'database reachable again: catching up on the fleet\'s events');
    this.read();
  }
}

/** `text` as JSON, or null. The store wrote it; this only keeps a broken row from stopping the feed. */
function parsed<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
