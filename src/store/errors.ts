// What a Store's failures mean to a caller: the database is away, a transaction kept losing to
// others, or a uniqueness constraint was violated.

/**
 * The database cannot be reached (refused, gone mid-transaction, shutting down). Whether a
 * transaction that failed so committed is unknown only when the connection broke during COMMIT.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A transaction kept losing to concurrent transactions on the same rows (PostgreSQL's
 * serialization failures) and was given up after several attempts; nothing of it was written.
 */
export class StoreContentionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreContentionError';
  }
}

/** A uniqueness constraint was violated; carries what collided so callers can say so. */
export class StoreConflictError extends Error {
  readonly what: string;
  constructor(what: string, options?: { cause?: unknown }) {
    super(`duplicate ${what}`, options);
    this.name = 'StoreConflictError';
    this.what = what;
  }
}
