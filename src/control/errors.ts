// The control API's one error catalogue (DESIGN.md §4.2). Every failure leaves the server as
// `{"msg": …, "detail": …}` with one of these statuses; the Fastly clients show msg and detail.
export const API_ERRORS = {
  badRequest: { status: 400, msg: 'Bad request' },
  activationFailed: { status: 400, msg: 'Version failed to activate' },
  unauthorized: { status: 401, msg: 'Provided credentials are missing or invalid' },
  forbidden: { status: 403, msg: 'Forbidden' },
  notFound: { status: 404, msg: 'Record not found' },
  duplicate: { status: 409, msg: 'Duplicate record' },
  domainConflict: { status: 409, msg: 'Domain conflict' },
  /** A TLS key or certificate that something still uses (Fastly: only unused ones can be deleted). */
  inUse: { status: 409, msg: 'Resource in use' },
  locked: { status: 422, msg: 'Version locked' },
  serviceActive: { status: 422, msg: 'Service has an active version' },
  /** Another control node changed the same rows at the same moment, and kept winning (DESIGN.md §4.6). */
  contention: { status: 409, msg: 'Conflict' },
  /** DESIGN.md §4.6: a control node whose database cannot be reached answers this. */
  databaseUnavailable: { status: 503, msg: 'Database unavailable' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly msg: string;
  readonly detail: string | null;
  /** Extra fields for the body (validation diagnostics). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: ApiErrorCode, detail: string | null, extra: Record<string, unknown> = {}) {
    super(detail === null ? API_ERRORS[code].msg : `${API_ERRORS[code].msg}: ${detail}`);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERRORS[code].status;
    this.msg = API_ERRORS[code].msg;
    this.detail = detail;
    this.extra = extra;
  }

  body(): Record<string, unknown> {
    // Fastly answers 401 with msg only; everything else carries a detail.
    return this.detail === null ? { msg: this.msg, ...this.extra } : { msg: this.msg, detail: this.detail, ...this.extra };
  }
}
