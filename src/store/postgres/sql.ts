// Running one parameterised statement on a connection. Every statement is a constant string with
// $n placeholders; values travel separately (never pasted into the text). Each distinct text gets
// a name, so node-postgres prepares it once per connection and later runs skip parsing.
import type { PoolClient, QueryResultRow } from 'pg';
import { storeError } from './errors.ts';

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `lacquer_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

export type SqlValue = string | number | boolean | null | readonly string[];

/** Runs `text` with `values`; a failure becomes what the Store promises its callers (./errors.ts). */
export async function run<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient, what: string, text: string, values: readonly SqlValue[] = [],
): Promise<{ rows: R[]; rowCount: number }> {
  try {
    const result = await client.query<R>({ name: nameOf(text), text, values: values as unknown[] });
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  } catch (err) {
    throw storeError(err, what);
  }
}

/** Milliseconds since the epoch by the database's clock (the fleet's one clock, src/store/store.ts). */
export const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
