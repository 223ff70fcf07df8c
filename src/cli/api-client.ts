// A small HTTP client for the control API (docs/api.md). The CLI reaches the control plane
// only through this: Node's global fetch, the token in `Fastly-Key` (DESIGN.md §4.2), and
// every non-2xx answer turned into a CliError carrying the API's msg and detail.
import { CliError } from './errors.ts';

export { CliError };

export type FormBody = Readonly<Record<string, string>>;

export type RequestBody = { readonly form: FormBody } | { readonly json: unknown };

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token: string | null;
  readonly fetch?: typeof fetch;
}

const USER_AGENT = 'lacquer-cli/0.1.0';

/** Joins path segments, percent-encoding each (names may hold spaces or slashes: `a%2Fb`). */
export function apiPath(...segments: (string | number)[]): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | null;
  readonly #fetch: typeof fetch;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? fetch;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: RequestBody): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T = unknown>(path: string, body?: RequestBody): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T = unknown>(path: string, body?: RequestBody): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T = unknown>(method: string, path: string, body?: RequestBody, extraHeaders: Readonly<Record<string, string>> = {}): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json', 'user-agent': USER_AGENT };
    if (this.#token !== null) headers['fastly-key'] = this.#token;
    let payload: string | undefined;
    if (body !== undefined && 'form' in body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(Object.entries(body.form)).toString();
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    }
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(null, `cannot reach the control API at ${this.baseUrl}`, cause?.code ?? cause?.message ?? (err as Error).message);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: handled below
    }
    if (!res.ok) throw errorFrom(res.status, parsed, text);
    if (parsed === undefined) throw new CliError(res.status, 'The control API answered something other than JSON', text.slice(0, 200));
    return parsed as T;
  }
}

/**
 * `{"msg", "detail", "errors"?}` → CliError; a JSON:API error (the TLS API:
 * `{"errors": [{"title", "detail"}]}`) too; anything else keeps the status and a text excerpt.
 */
function errorFrom(status: number, parsed: unknown, text: string): CliError {
  const first = (parsed as { errors?: unknown } | null)?.errors;
  if (Array.isArray(first) && typeof first[0] === 'object' && first[0] !== null && typeof (first[0] as { title?: unknown }).title === 'string') {
    const e = first[0] as { title: string; detail?: unknown };
    return new CliError(status, e.title, typeof e.detail === 'string' ? e.detail : null);
  }
  if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { msg?: unknown }).msg === 'string') {
    const body = parsed as { msg: string; detail?: unknown; errors?: unknown };
    const detail = typeof body.detail === 'string' ? body.detail : null;
    const errors = Array.isArray(body.errors) ? body.errors.filter((e): e is string => typeof e === 'string') : [];
    return new CliError(status, body.msg, detail, errors);
  }
  return new CliError(status, `HTTP ${status}`, text === '' ? null : text.slice(0, 200));
}
