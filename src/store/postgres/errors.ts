// What a PostgreSQL failure means to a Store caller. Codes from PostgreSQL's Appendix A
// ("PostgreSQL Error Codes"); the connection failures node-postgres reports without a code
// are Node's socket errors and its own "Connection terminated" messages.
import { StoreConflictError, StoreUnavailableError } from '../store.ts';

/** 40001 serialization_failure, 40P01 deadlock_detected: running the transaction again may succeed. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code === '40001' || code === '40P01';
}

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * The server cannot be reached or is going away: class 08 (connection exception), 57P01–57P03
 * (admin/crash shutdown, cannot connect now), 53300 (too many connections), a socket error, or
 * node-postgres's own word that the connection ended or never came.
 */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const code = errorCode(err);
  if (code !== null && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) return true;
  if (code !== null && SOCKET_ERRORS.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable/i.test(message);
}

/** 23505 unique_violation: a row with that key exists. */
export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === '23505';
}

/** The error a Store caller sees for `err`, raised while doing `what`. */
export function storeError(err: unknown, what: string): unknown {
  if (isUniqueViolation(err)) return new StoreConflictError(what, { cause: err });
  if (isUnavailable(err) && !(err instanceof StoreUnavailableError)) return new StoreUnavailableError(describe(err), { cause: err });
  return err;
}

/** One line saying what went wrong, for logs and the 503 detail. */
export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) return err.message === '' ? (errorCode(err) ?? err.name) : err.message;
  return String(err);
}

function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
