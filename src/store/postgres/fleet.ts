// The fleet's bookkeeping on PostgreSQL (src/store/fleet.ts), by the database's clock: the one
// clock every node of the fleet is measured by (src/store/store.ts).
import type { PurgeAck } from '../events.ts';
import type { FleetRetention, FleetRows, LiveNodeRow, NodeRow } from '../fleet.ts';
import { toNode } from '../rows.ts';
import { ACKS_CHANNEL } from './channels.ts';
import { NOW_MS, type PostgresStatements } from './sql.ts';

export function fleetRows(db: PostgresStatements): FleetRows {
  return {
    // NOW_MS is a constant expression (./sql.ts), part of the statement's fixed text.
    async heartbeatNode(r: NodeRow): Promise<void> {
      await db.write(`node ${r.id}`, `INSERT INTO nodes (id, role, pop, url, started_at, last_seen, cluster_members) VALUES ($1, $2, $3, $4, $5, ${NOW_MS}, COALESCE($6::text, '[]'))
        ON CONFLICT (id) DO UPDATE SET role = excluded.role, pop = excluded.pop, url = excluded.url, last_seen = excluded.last_seen,
        cluster_members = COALESCE($6::text, nodes.cluster_members)`,
      [r.id, r.role, r.pop, r.url, r.startedAt, r.members === undefined ? null : JSON.stringify(r.members)]);
    },

    async listLiveNodes(withinMs: number): Promise<LiveNodeRow[]> {
      const rows = await db.rows('nodes', `SELECT *, GREATEST(0, now_ms - last_seen) AS age_ms FROM nodes, (SELECT ${NOW_MS} AS now_ms) AS clock
        WHERE last_seen >= now_ms - $1 ORDER BY pop COLLATE "C", id COLLATE "C"`, withinMs);
      return rows.map((r) => ({ ...toNode(r), ageMs: Number(r.age_ms) }));
    },

    async deleteNode(id: string): Promise<void> {
      await db.write('node', 'DELETE FROM nodes WHERE id = $1', [id]);
    },

    async ackPurge(ack: PurgeAck): Promise<void> {
      await db.write('purge ack', `INSERT INTO purge_acks (purge_id, node_id, acked_at) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT DO NOTHING`,
        [ack.purgeId, ack.nodeId]);
      // Delivered to every listening node when this transaction commits, and not at all if it rolls back.
      await db.write('purge ack', 'SELECT pg_notify($1, $2)', [ACKS_CHANNEL, JSON.stringify(ack)]);
    },

    async listPurgeAcks(purgeId: string): Promise<string[]> {
      return (await db.rows('purge acks', 'SELECT node_id FROM purge_acks WHERE purge_id = $1 ORDER BY node_id COLLATE "C"', purgeId))
        .map((r) => String(r.node_id));
    },

    async pruneFleet(keep: FleetRetention): Promise<void> {
      await db.write('nodes', `DELETE FROM nodes WHERE last_seen < ${NOW_MS} - $1`, [keep.nodesMs]);
      await db.write('purge acks', `DELETE FROM purge_acks WHERE acked_at < ${NOW_MS} - $1`, [keep.acksMs]);
      await db.write('events', `WITH gone AS (DELETE FROM events WHERE created_at < ${NOW_MS} - $1 RETURNING id)
        UPDATE event_log SET pruned_through = GREATEST(pruned_through, (SELECT COALESCE(MAX(id), 0) FROM gone))`, [keep.eventsMs]);
    },

    async fleetSecret(candidate: string): Promise<string> {
      await db.write('fleet secret', 'INSERT INTO fleet_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [candidate]);
      return String((await db.one('fleet secret', 'SELECT secret FROM fleet_secret WHERE id = 1'))?.secret);
    },
  };
}
