// Statements on the SQLite store's one connection (node:sqlite, https://nodejs.org/api/sqlite.html),
// prepared once per SQL text and kept. node:sqlite is synchronous: a statement has run when its
// call returns. A write that breaks a uniqueness constraint is StoreConflictError naming `what`.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { StoreConflictError } from '../errors.ts';

type Row = Record<string, SQLInputValue>;

// SQLite extended result codes for constraint failures (https://sqlite.org/rescode.html).
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export class SqliteStatements {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #statement(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }

  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  run(sql: string, what: string, ...params: SQLInputValue[]): void {
    try {
      this.#statement(sql).run(...params);
    } catch (err) {
      const code = (err as { errcode?: number }).errcode;
      if (code === SQLITE_CONSTRAINT_PRIMARYKEY || code === SQLITE_CONSTRAINT_UNIQUE) throw new StoreConflictError(what, { cause: err });
      throw err;
    }
  }
}
