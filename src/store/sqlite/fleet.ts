// The fleet's bookkeeping on SQLite (src/store/fleet.ts). A SQLite store is one node: its purge
// acknowledgements are kept for the store to deliver in process after COMMIT (./store.ts).
import type { PurgeAck } from '../events.ts';
import type { FleetRetention, FleetRows, LiveNodeRow, NodeRow } from '../fleet.ts';
import { toNode } from '../rows.ts';
import type { SqliteStatements } from './statements.ts';

export function fleetRows(db: SqliteStatements, acks: PurgeAck[]): FleetRows {
  return {
    // The fleet of a SQLite store is this one process; its clock is the store's clock.
    async heartbeatNode(r: NodeRow): Promise<void> {
      const members = r.members === undefined ? null : JSON.stringify(r.members);
      db.run(`INSERT INTO nodes (id, role, pop, url, started_at, last_seen, cluster_members) VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, '[]'))
        ON CONFLICT (id) DO UPDATE SET role = excluded.role, pop = excluded.pop, url = excluded.url, last_seen = excluded.last_seen,
        cluster_members = COALESCE(?, nodes.cluster_members)`,
      `node ${r.id}`, r.id, r.role, r.pop, r.url, r.startedAt, Date.now(), members, members);
    },

    async listLiveNodes(withinMs: number): Promise<LiveNodeRow[]> {
      const now = Date.now();
      return db.all('SELECT * FROM nodes WHERE last_seen >= ? ORDER BY pop, id', now - withinMs)
        .map((r) => ({ ...toNode(r), ageMs: Math.max(0, now - Number(r.last_seen)) }));
    },

    async deleteNode(id: string): Promise<void> {
      db.run('DELETE FROM nodes WHERE id = ?', 'node', id);
    },

    async ackPurge(ack: PurgeAck): Promise<void> {
      db.run('INSERT INTO purge_acks (purge_id, node_id, acked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', 'purge ack',
        ack.purgeId, ack.nodeId, Date.now());
      acks.push(ack);
    },

    async listPurgeAcks(purgeId: string): Promise<string[]> {
      return db.all('SELECT node_id FROM purge_acks WHERE purge_id = ? ORDER BY node_id', purgeId).map((r) => String(r.node_id));
    },

    async pruneFleet(keep: FleetRetention): Promise<void> {
      const now = Date.now();
      db.run('DELETE FROM nodes WHERE last_seen < ?', 'nodes', now - keep.nodesMs);
      db.run('DELETE FROM purge_acks WHERE acked_at < ?', 'purge acks', now - keep.acksMs);
    },

    async fleetSecret(candidate: string): Promise<string> {
      db.run('INSERT INTO fleet_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', 'fleet secret', candidate);
      return String(db.get('SELECT secret FROM fleet_secret WHERE id = 1')?.secret);
    },
  };
}
