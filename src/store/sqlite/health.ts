// The fleet's health rows on SQLite (src/store/health.ts). When a row was written is this process's clock:
// a SQLite store is one node, so its clock is the store's clock.
import type { SQLInputValue } from 'node:sqlite';
import type {
  HealthFlipRow, HealthOverrideRow, HealthRows, HealthStateRow, HealthSummaryRow, StoredHealthState, StoredHealthSummary,
} from '../health.ts';
import { toHealthFlip, toHealthOverride, toHealthState, toHealthSummary } from '../rows.ts';
import type { SqliteStatements } from './statements.ts';

export function healthRows(db: SqliteStatements): HealthRows {
  return {
    async upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void> {
      const now = Date.now();
      for (const r of rows) {
        db.run(`INSERT INTO health_states (pop, key, node_id, healthy, good, probe_window, threshold, interval_ms, registers,
          avg_rtt_ms, rate, last_response, last_change, written_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (pop, key) DO UPDATE SET node_id = excluded.node_id, healthy = excluded.healthy, good = excluded.good,
          probe_window = excluded.probe_window, threshold = excluded.threshold, interval_ms = excluded.interval_ms,
          registers = excluded.registers, avg_rtt_ms = excluded.avg_rtt_ms, rate = excluded.rate,
          last_response = excluded.last_response, last_change = excluded.last_change, written_ms = excluded.written_ms`,
        'health_states', r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.good, r.window, r.threshold, r.intervalMs, r.registers,
        r.avgRttMs, r.rate, r.lastResponse, r.lastChange, now);
      }
    },

    async listHealthStates(f: { pop?: string; keys?: readonly string[]; withinMs?: number; notBy?: string }): Promise<StoredHealthState[]> {
      const now = Date.now();
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (f.pop !== undefined) {
        where.push('pop = ?');
        params.push(f.pop);
      }
      if (f.withinMs !== undefined) {
        where.push('written_ms >= ?');
        params.push(now - f.withinMs);
      }
      if (f.notBy !== undefined) {
        where.push('node_id <> ?');
        params.push(f.notBy);
      }
      if (f.keys !== undefined) {
        if (f.keys.length === 0) return [];
        // json_each takes the keys as one parameter, however many there are.
        where.push('key IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(f.keys));
      }
      const sql = `SELECT * FROM health_states${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY pop, key`;
      return db.all(sql, ...params).map((r) => ({ ...toHealthState(r), ageMs: Math.max(0, now - Number(r.written_ms)) }));
    },

    async upsertHealthSummary(r: HealthSummaryRow): Promise<void> {
      db.run(`INSERT INTO health_summaries (pop, node_id, probing, sick, written_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (pop, node_id) DO UPDATE SET probing = excluded.probing, sick = excluded.sick, written_ms = excluded.written_ms`,
      'health_summaries', r.pop, r.nodeId, r.probing, r.sick, Date.now());
    },

    async listHealthSummaries(): Promise<StoredHealthSummary[]> {
      const now = Date.now();
      return db.all('SELECT * FROM health_summaries ORDER BY pop, node_id')
        .map((r) => ({ ...toHealthSummary(r), ageMs: Math.max(0, now - Number(r.written_ms)) }));
    },

    async insertHealthFlip(r: HealthFlipRow): Promise<void> {
      db.run('INSERT INTO health_flips (pop, key, node_id, healthy, at, written_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', 'health_flips',
        r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.at, Date.now());
    },

    async listHealthFlips(f: { pop?: string; withinMs?: number }): Promise<HealthFlipRow[]> {
      const since = f.withinMs === undefined ? null : Date.now() - f.withinMs;
      return db.all(`SELECT * FROM health_flips WHERE (? IS NULL OR pop = ?) AND (? IS NULL OR written_ms >= ?)
        ORDER BY written_ms, at, pop, key, node_id`, f.pop ?? null, f.pop ?? null, since, since).map(toHealthFlip);
    },

    async pruneHealth(olderThanMs: number): Promise<void> {
      const before = Date.now() - olderThanMs;
      db.run('DELETE FROM health_summaries WHERE written_ms < ?', 'health_summaries', before);
      db.run('DELETE FROM health_flips WHERE written_ms < ?', 'health_flips', before);
      db.run('DELETE FROM health_states WHERE written_ms < ?', 'health_states', before);
      db.run('DELETE FROM health_overrides WHERE admin = \'auto\' AND written_ms < ?', 'health_overrides', before);
    },

    async setHealthOverride(r: HealthOverrideRow): Promise<void> {
      db.run(`INSERT INTO health_overrides (service_id, backend, admin, at, written_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (service_id, backend) DO UPDATE SET admin = excluded.admin, at = excluded.at, written_ms = excluded.written_ms`,
      'health_overrides', r.serviceId, r.backend, r.admin, r.at, Date.now());
    },

    async listHealthOverrides(f: { serviceId?: string; withinMs?: number }): Promise<HealthOverrideRow[]> {
      const since = f.withinMs === undefined ? null : Date.now() - f.withinMs;
      return db.all(`SELECT * FROM health_overrides WHERE (? IS NULL OR service_id = ?) AND (? IS NULL OR written_ms >= ?)
        ORDER BY service_id, backend`, f.serviceId ?? null, f.serviceId ?? null, since, since).map(toHealthOverride);
    },
  };
}
