// The dashboard's only way to data: it calls the control API in-process through fastify's
// inject, with the session's token in Fastly-Key, so authentication, validation, versions and
// error messages are exactly the API's (the same ones the CLI and curl see).
import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A non-2xx answer from the API: `{msg, detail}` plus activation diagnostics when present. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly msg: string;
  readonly detail: string | null;
  readonly errors: readonly string[];

  constructor(status: number, body: unknown) {
    const b = (typeof body === 'object' && body !== null ? body : {}) as { msg?: unknown; detail?: unknown; errors?: unknown };
    // The TLS API answers JSON:API errors: `{"errors": [{"title", "detail"}]}`.
    const jsonApi = Array.isArray(b.errors) && typeof b.errors[0] === 'object' && b.errors[0] !== null ? b.errors[0] as { title?: unknown; detail?: unknown } : null;
    const msg = typeof b.msg === 'string' ? b.msg : typeof jsonApi?.title === 'string' ? jsonApi.title : `HTTP ${status}`;
    const detail = typeof b.detail === 'string' ? b.detail : typeof jsonApi?.detail === 'string' ? jsonApi.detail : null;
    super(detail === null ? msg : `${msg}: ${detail}`);
    this.name = 'ApiFailure';
    this.status = status;
    this.msg = msg;
    this.detail = detail;
    this.errors = Array.isArray(b.errors) && jsonApi === null ? b.errors.map(String) : [];
  }
}

/** `/service/{sid}/version/{v}/backend/{name}` with each segment percent-encoded. */
export function apiPath(...segments: ReadonlyArray<string | number>): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export class ApiClient {
  readonly #app: FastifyInstance;
  readonly #token: string | null;

  constructor(app: FastifyInstance, token: string | null) {
    this.#app = app;
    this.#token = token;
  }

  /** Any answer, failures included. */
  async request(method: Method, url: string, payload?: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    if (this.#token !== null) headers['fastly-key'] = this.#token;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await this.#app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    let body: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('json')) body = JSON.parse(res.body);
    return { status: res.statusCode, body };
  }

  /** The body of a 2xx answer; anything else throws ApiFailure. */
  async call<T>(method: Method, url: string, payload?: Record<string, unknown>): Promise<T> {
    const res = await this.request(method, url, payload);
    if (res.status >= 300) throw new ApiFailure(res.status, res.body);
    return res.body as T;
  }

  get<T>(url: string): Promise<T> {
    return this.call<T>('GET', url);
  }
}

/**
 * Validation details name their field first (`port: must be an integer from 1 to 65535`, several
 * joined by `; `, docs/api.md "Errors"); this splits them into field → message, with `rename`
 * mapping API field names to form field names. Messages naming no known field go under ''.
 */
export function fieldErrors(detail: string | null, known: ReadonlySet<string>, rename: (field: string) => string = (f) => f): Record<string, string> {
  const out: Record<string, string> = {};
  if (detail === null) return out;
  for (const part of detail.split('; ')) {
    const m = /^([a-z_0-9]+): (.*)$/s.exec(part);
    const key = m !== null && known.has(m[1]) ? rename(m[1]) : '';
    const text = m !== null && known.has(m[1]) ? m[2] : part;
    out[key] = out[key] === undefined ? text : `${out[key]}; ${text}`;
  }
  return out;
}
