// The route table: every endpoint is declared once, as data (method, path, access, schemas),
// and the same list drives fastify's routing, authentication and /openapi.json.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store, TokenRow } from '../store/index.ts';
import { authenticate, authorize, presentedToken, type Access } from './auth.ts';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify path syntax (`/service/:service_id`); OpenAPI shows `{service_id}`. */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  /**
   * The service is known only once the handler has read the request (`POST /purge/{cached_url}`
   * names a URL, not a service): the table authenticates the token, the handler authorizes it.
   */
  readonly authorizesInHandler?: true;
  /** What OpenAPI calls the rest of the path a trailing `*` (fastify's catch-all) matches. */
  readonly wildcard?: string;
  readonly body?: TSchema;
  readonly response?: TSchema;
}

export interface RequestInfo {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  /** Request header fields, names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** null on public routes. */
  readonly token: TokenRow | null;
  readonly reply: FastifyReply;
}

export type RouteHandler = (req: RequestInfo) => Promise<unknown>;

export class RouteTable {
  readonly specs: RouteSpec[] = [];
  readonly #app: FastifyInstance;
  readonly #store: Store;

  constructor(app: FastifyInstance, store: Store) {
    this.#app = app;
    this.#store = store;
  }

  add(spec: RouteSpec, handler: RouteHandler): void {
    this.specs.push(spec);
    const store = this.#store;
    this.#app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const params = request.params as Record<string, string>;
        let token: TokenRow | null = null;
        if (spec.access !== 'public') {
          token = await authenticate(store, presentedToken(request.headers));
          if (spec.authorizesInHandler !== true) authorize(token, spec.access, params.service_id ?? null);
        }
        return handler({ params, query: request.query as Record<string, string | undefined>, body: request.body, headers: request.headers as Record<string, string | undefined>, token, reply });
      },
    });
  }
}
