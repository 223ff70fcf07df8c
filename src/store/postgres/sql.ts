// Running one parameterised statement on a connection. Every statement is a constant string with
// $n placeholders; values travel separately (never pasted into the text). Each distinct text gets
// a name, so node-postgres prepares it once per connection and later runs skip parsing.
import type { PoolClient, QueryResultRow } from 'pg';
import { StoreConflictError } from '../errors.ts';
import type { Row } from '../rows.ts';
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

/** The statements of one transaction, on its connection (./tx.ts). */
export class PostgresStatements {
  readonly #client: PoolClient;

  constructor(client: PoolClient) {
    this.#client = client;
  }

  async rows(what: string, text: string, ...values: SqlValue[]): Promise<Row[]> {
    return (await run<Row>(this.#client, what, text, values)).rows;
  }

  async one(what: string, text: string, ...values: SqlValue[]): Promise<Row | null> {
    return (await this.rows(what, text, ...values))[0] ?? null;
  }

  /** Runs a write; `unique`: an insert that must add its row, or the key was taken. */
  async write(what: string, text: string, values: SqlValue[], unique = false): Promise<void> {
    const { rowCount } = await run(this.#client, what, text, values);
    if (unique && rowCount === 0) throw new StoreConflictError(what);
  }
}
