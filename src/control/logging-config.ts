// A version's logging endpoints as typed records, in the order they were added: what the
// generator writes `log` statements for and what the edge delivers to (ServiceSource.logging).
import { LOGGING_ENDPOINTS, LOGGING_TYPES } from '../model/api/logging/index.ts';
import { typedRecord } from '../model/api/index.ts';
import type { LoggingEndpoint } from '../model/logging/endpoint.ts';
import type { StoreTx } from '../store/index.ts';

export async function loadLoggingEndpoints(tx: StoreTx, serviceId: string, version: number): Promise<LoggingEndpoint[]> {
  const rows: Array<{ seq: number; endpoint: LoggingEndpoint }> = [];
  for (const type of LOGGING_TYPES) {
    for (const row of await tx.listObjects(serviceId, version, `logging_${type}`)) {
      rows.push({ seq: row.seq, endpoint: { type, record: typedRecord(LOGGING_ENDPOINTS[type], row.data) } as LoggingEndpoint });
    }
  }
  return rows.sort((a, b) => a.seq - b.seq).map((r) => r.endpoint);
}
