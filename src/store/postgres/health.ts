// The fleet's health rows on PostgreSQL (src/store/health.ts; DESIGN.md §4.6), written with the
// database's clock (NOW_MS, ./sql.ts) like the nodes in ./fleet.ts.
import type {
  HealthFlipRow, HealthOverrideRow, HealthRows, HealthStateRow, HealthSummaryRow, StoredHealthState, StoredHealthSummary,
} from '../health.ts';
import { toHealthFlip, toHealthOverride, toHealthState, toHealthSummary } from '../rows.ts';
import { NOW_MS, type PostgresStatements } from './sql.ts';

export function healthRows(db: PostgresStatements): HealthRows {
  return {
    async upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void> {
      // One statement for all of them; a key given twice keeps its last row (ON CONFLICT DO
      // UPDATE may not touch one row twice in one statement).
      const last = [...new Map(rows.map((r) => [`${r.pop}\u0000${r.key}`, r])).values()];
      if (last.length === 0) return;
      const col = <K extends keyof HealthStateRow>(k: K): string[] => last.map((r) => String(r[k]));
      await db.write('health_states', `INSERT INTO health_states (pop, key, node_id, healthy, good, probe_window, threshold, interval_ms,
        registers, avg_rtt_ms, rate, last_response, last_change, written_ms)
        SELECT pop, key, node_id, healthy::integer, good::integer, probe_window::integer, threshold::integer, interval_ms::integer,
          registers, avg_rtt_ms::double precision, rate::integer, last_response, last_change, ${NOW_MS}
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
          $10::text[], $11::text[], $12::text[], $13::text[])
          AS t(pop, key, node_id, healthy, good, probe_window, threshold, interval_ms, registers, avg_rtt_ms, rate, last_response, last_change)
        ON CONFLICT (pop, key) DO UPDATE SET node_id = excluded.node_id, healthy = excluded.healthy, good = excluded.good,
          probe_window = excluded.probe_window, threshold = excluded.threshold, interval_ms = excluded.interval_ms,
          registers = excluded.registers, avg_rtt_ms = excluded.avg_rtt_ms, rate = excluded.rate,
          last_response = excluded.last_response, last_change = excluded.last_change, written_ms = excluded.written_ms`,
      [col('pop'), col('key'), col('nodeId'), last.map((r) => (r.healthy ? '1' : '0')), col('good'), col('window'), col('threshold'),
        col('intervalMs'), col('registers'), col('avgRttMs'), col('rate'), col('lastResponse'), col('lastChange')]);
    },

    async listHealthStates(f: { pop?: string; keys?: readonly string[]; withinMs?: number; notBy?: string }): Promise<StoredHealthState[]> {
      if (f.keys !== undefined && f.keys.length === 0) return [];
      const rows = await db.rows('health_states', `SELECT *, GREATEST(0, now_ms - written_ms) AS age_ms
        FROM health_states, (SELECT ${NOW_MS} AS now_ms) AS clock
        WHERE ($1::text IS NULL OR pop = $1) AND ($2::text[] IS NULL OR key = ANY($2::text[]))
          AND ($3::bigint IS NULL OR written_ms >= now_ms - $3::bigint) AND ($4::text IS NULL OR node_id <> $4)
        ORDER BY pop COLLATE "C", key COLLATE "C"`, f.pop ?? null, f.keys ?? null, f.withinMs ?? null, f.notBy ?? null);
      return rows.map(toHealthState);
    },

    async upsertHealthSummary(r: HealthSummaryRow): Promise<void> {
      await db.write('health_summaries', `INSERT INTO health_summaries (pop, node_id, probing, sick, written_ms) VALUES ($1, $2, $3, $4, ${NOW_MS})
        ON CONFLICT (pop, node_id) DO UPDATE SET probing = excluded.probing, sick = excluded.sick, written_ms = excluded.written_ms`,
      [r.pop, r.nodeId, r.probing, r.sick]);
    },

    async listHealthSummaries(): Promise<StoredHealthSummary[]> {
      return (await db.rows('health_summaries', `SELECT *, GREATEST(0, now_ms - written_ms) AS age_ms
        FROM health_summaries, (SELECT ${NOW_MS} AS now_ms) AS clock ORDER BY pop COLLATE "C", node_id COLLATE "C"`)).map(toHealthSummary);
    },

    async insertHealthFlip(r: HealthFlipRow): Promise<void> {
      await db.write('health_flips', `INSERT INTO health_flips (pop, key, node_id, healthy, at, written_ms) VALUES ($1, $2, $3, $4, $5, ${NOW_MS})
        ON CONFLICT DO NOTHING`, [r.pop, r.key, r.nodeId, r.healthy ? 1 : 0, r.at]);
    },

    async listHealthFlips(f: { pop?: string; withinMs?: number }): Promise<HealthFlipRow[]> {
      return (await db.rows('health_flips', `SELECT * FROM health_flips
        WHERE ($1::text IS NULL OR pop = $1) AND ($2::bigint IS NULL OR written_ms >= ${NOW_MS} - $2::bigint)
        ORDER BY written_ms, at COLLATE "C", pop COLLATE "C", key COLLATE "C", node_id COLLATE "C"`, f.pop ?? null, f.withinMs ?? null)).map(toHealthFlip);
    },

    async pruneHealth(olderThanMs: number): Promise<void> {
      await db.write('health_summaries', `DELETE FROM health_summaries WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
      await db.write('health_flips', `DELETE FROM health_flips WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
      await db.write('health_states', `DELETE FROM health_states WHERE written_ms < ${NOW_MS} - $1`, [olderThanMs]);
      await db.write('health_overrides', `DELETE FROM health_overrides WHERE admin = 'auto' AND written_ms < ${NOW_MS} - $1`, [olderThanMs]);
    },

    async setHealthOverride(r: HealthOverrideRow): Promise<void> {
      await db.write('health_overrides', `INSERT INTO health_overrides (service_id, backend, admin, at, written_ms) VALUES ($1, $2, $3, $4, ${NOW_MS})
        ON CONFLICT (service_id, backend) DO UPDATE SET admin = excluded.admin, at = excluded.at, written_ms = excluded.written_ms`,
      [r.serviceId, r.backend, r.admin, r.at]);
    },

    async listHealthOverrides(f: { serviceId?: string; withinMs?: number }): Promise<HealthOverrideRow[]> {
      return (await db.rows('health_overrides', `SELECT * FROM health_overrides
        WHERE ($1::text IS NULL OR service_id = $1) AND ($2::bigint IS NULL OR written_ms >= ${NOW_MS} - $2::bigint)
        ORDER BY service_id COLLATE "C", backend COLLATE "C"`, f.serviceId ?? null, f.withinMs ?? null)).map(toHealthOverride);
    },
  };
}
