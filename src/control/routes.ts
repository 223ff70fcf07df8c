// The route table: every endpoint is declared once, as data (method, path, access, schemas),
// and the same list drives fastify's routing, authentication and /openapi.json.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store, TokenRow } from '../store/index.ts';
import { authenticate, authorize, presentedToken, type Access } from './auth.ts';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  /**
   * For a route without `:service_id`: what a token scoped to one service may do with it. Left
   * out, the route needs a token for every service (403 for a scoped one), so a new route
   * never shows one tenant another's data by default. `own-service`: the handler answers with
   * the token's own service's data only (`GET /service`); `no-service-data`: the answer holds
   * nothing of any service (`GET /tokens/self`). test/control/tenancy.test.ts checks every route.
   */
  readonly scoped?: 'own-service' | 'no-service-data';
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
    if (spec.scoped !== undefined && spec.url.includes(':service_id')) {
      throw new Error(`${spec.method} ${spec.url}: \`scoped\` is for routes without :service_id`);
    }
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
          if (spec.authorizesInHandler !== true) {
            authorize(token, spec.access, params.service_id ?? (spec.scoped === undefined ? null : token.serviceId));
          }
        }
        return handler({ params, query: request.query as Record<string, string | undefined>, body: request.body, headers: request.headers as Record<string, string | undefined>, token, reply });
      },
    });
  }
}
