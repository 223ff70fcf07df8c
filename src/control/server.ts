// The control API (DESIGN.md §4.2): a fastify app whose routes come from src/control/api/*,
// accepting form-urlencoded and JSON bodies, answering errors as {"msg","detail"}.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { StoreContentionError, StoreUnavailableError, type Store } from '../store/index.ts';
import { registerHealthRoutes, type HealthSource } from './api/health.ts';
import { registerMembershipRoutes } from './api/membership.ts';
import { registerPurgeRoutes } from './api/purge.ts';
import { registerDatacenterRoutes } from './api/datacenters.ts';
import { fleetPurge, type FleetPurge } from './fleet-purge.ts';
import { registerResourceRoutes } from './api/resources.ts';
import { registerVclObjectRoutes } from './api/vcl-objects.ts';
import { registerStatsRoutes, type StatsSource } from './api/stats.ts';
import { registerServiceRoutes } from './api/service.ts';
import { registerTokenRoutes } from './api/tokens.ts';
import { registerTlsRoutes } from './api/tls.ts';
import { registerVersionRoutes } from './api/version.ts';
import { registerAclEntryRoutes } from './api/acl-entries.ts';
import { registerDictionaryItemRoutes } from './api/dictionary-items.ts';
import { registerDynamicSnippetRoutes } from './api/dynamic-snippets.ts';
import { registerLiveObjectRoutes } from './api/live-objects.ts';
import { registerVerifyRoutes } from './api/verify.ts';
import { registerVclExtraRoutes } from './api/vcl-extras.ts';
import { registerDashboard } from './dashboard/index.ts';
import { ensureAdminToken } from './auth.ts';
import { ApiError } from './errors.ts';
import { parseEgress, popAddresses } from './ipranges.ts';
import { ApiRequestLog } from './request-log.ts';
import { buildOpenApi } from './openapi.ts';
import { RouteTable } from './routes.ts';
import type { VclValidator } from './validator.ts';

export interface ControlApiOptions {
  readonly store: Store;
  readonly validator: VclValidator;
  /** The POP this process serves; reported by /ready. */
  readonly pop: string;
  /** Egress addresses/CIDRs for /public-ip-list; empty: the POP's own addresses. */
  readonly egress: readonly string[];
  readonly logger: Logger;
  /** Seeded as an admin token before the first request (hash stored, never the token). */
  readonly adminToken?: string;
  /**
   * This node's probe engine, when it runs one: the health routes show its POP live, and the
   * other POPs (all of them, without it) from the Store.
   */
  readonly health?: HealthSource;
  /** Applies purges across the fleet (POST /service/{sid}/purge_all, …); default: ./fleet-purge.ts on `store`. */
  readonly purge?: FleetPurge;
  /** Sums the POP's edge workers' counts for a service (GET /service/{sid}/stats). */
  readonly stats?: StatsSource;
  /** Prometheus text for GET /metrics. */
  readonly metrics?: () => Promise<{ contentType: string; text: string }>;
}

const API_VERSION = '0.1.0';

export function buildControlApi(opts: ControlApiOptions): FastifyInstance {
  const logger: FastifyBaseLogger = opts.logger;
  const app = Fastify({ loggerInstance: logger, logController: new ApiRequestLog(), bodyLimit: 2 * 1024 * 1024 });
  registerBodyParsers(app);
  const egress = parseEgress(opts.egress.length > 0 ? opts.egress : popAddresses());

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.body());
    if (err instanceof StoreUnavailableError) {
      request.log.warn({ err: err.message }, 'database unavailable');
      return reply.code(503).send(new ApiError('databaseUnavailable', err.message).body());
    }
    if (err instanceof StoreContentionError) {
      return reply.code(409).send(new ApiError('contention', 'another request changed the same service at the same moment; try again').body());
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(400).send({ msg: 'Bad request', detail: (err as Error).message });
    }
    request.log.error({ err }, 'control API request failed');
    return reply.code(500).send({ msg: 'Internal error', detail: 'see the server log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ msg: 'Record not found', detail: `no route for ${request.method} ${request.url.split('?')[0]}` }));

  if (opts.adminToken !== undefined) {
    const token = opts.adminToken;
    app.addHook('onReady', () => ensureAdminToken(opts.store, token));
  }

  const routes = new RouteTable(app, opts.store);
  const deps = { store: opts.store, validator: opts.validator, logger: opts.logger };
  routes.add({ method: 'GET', url: '/ready', summary: 'Readiness', tag: 'meta', access: 'public' }, async () => ({ status: 'ok', pop: opts.pop }));
  routes.add({ method: 'GET', url: '/public-ip-list', summary: 'Egress addresses (Fastly shape)', tag: 'meta', access: 'public' }, async () =>
    ({ addresses: egress.v4, ipv6_addresses: egress.v6 }));
  routes.add({ method: 'GET', url: '/v2/companies/ipranges', summary: 'Egress addresses as a list; ?format=txt one a line', tag: 'meta', access: 'public' }, async ({ query, reply }) => {
    const all = [...egress.v4, ...egress.v6];
    if (query.format === 'txt') return reply.type('text/plain; charset=utf-8').send(all.map((c) => `${c}\n`).join(''));
    return all;
  });
  // The Fastly CLI fetches this before every command to discover SSO; an empty document means "no SSO".
  routes.add({ method: 'GET', url: '/realms/fastly/.well-known/openid-configuration', summary: 'OpenID discovery (empty)', tag: 'meta', access: 'public' }, async () => ({}));
  registerServiceRoutes(routes, deps);
  registerVersionRoutes(routes, deps);
  registerResourceRoutes(routes, deps);
  registerVclObjectRoutes(routes, deps);
  registerLiveObjectRoutes(routes, deps);
  registerDictionaryItemRoutes(routes, deps);
  registerAclEntryRoutes(routes, deps);
  registerDynamicSnippetRoutes(routes, deps);
  registerVerifyRoutes(routes, deps);
  registerVclExtraRoutes(routes, deps);
  registerMembershipRoutes(routes, deps);
  registerTokenRoutes(routes, deps);
  registerHealthRoutes(routes, deps, opts.health === undefined ? null : { pop: opts.pop, health: opts.health });
  registerPurgeRoutes(routes, deps, opts.pop, opts.purge ?? fleetPurge(opts.store));
  registerDatacenterRoutes(routes, deps);
  registerTlsRoutes(routes, deps);
  if (opts.stats !== undefined) registerStatsRoutes(routes, deps, opts.pop, opts.stats);
  const metrics = opts.metrics;
  if (metrics !== undefined) {
    routes.add({ method: 'GET', url: '/metrics', summary: 'Prometheus metrics', tag: 'meta', access: 'read' }, async ({ reply }) => {
      const m = await metrics();
      return reply.type(m.contentType).send(m.text);
    });
  }
  registerDashboard(app, deps);
  routes.add({ method: 'GET', url: '/openapi.json', summary: 'This description', tag: 'meta', access: 'public' }, async () => buildOpenApi(routes.specs, API_VERSION));
  return app;
}

/**
 * Clients send form-urlencoded (the Fastly CLI, the fastly JS client) or JSON (curl, scripts),
 * and some send a JSON content type with an empty body on PUT …/activate; both mean "no fields".
 */
function registerBodyParsers(app: FastifyInstance): void {
  app.register(formbody);
  app.removeContentTypeParser('application/json');
  // JSON:API bodies (the TLS API, as the fastly clients send them) are JSON too.
  app.addContentTypeParser(['application/json', 'application/vnd.api+json'], { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError('badRequest', 'body: must be valid JSON'), undefined);
    }
  });
}

/** Listens and resolves to the bound address (`http://127.0.0.1:PORT`). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  return app.listen({ host, port });
}
