// The composition root of `lacquer serve`: one process tree per node of the fleet. Its role
// (DESIGN.md §4.1, §4.6): `control` runs the control API and dashboard only; `edge` serves
// traffic and probes for its POP and never runs the API; `all` does both.
//
// Ownership (who owns what state):
// - the primary owns the Store, the node's membership in the fleet (./membership.ts), the
//   control API, this node's part of the POP's health (./pop-health.ts: the probe thread, the
//   only place probes run, and what it writes to the Store) and the list of active
//   ServiceSources;
// - each edge worker owns its service table, upstream pools and health view, and changes
//   them only when the primary sends a ToWorker message (./edge.ts).
// With `--workers 0` the edge runs inside the primary and gets the same messages by call.
//
// Config flow (DESIGN.md §1): activation commits on any control node → Store event, on every
// node of the fleet (./fleet-edge.ts) → the publisher reads the service's active version
// (publisher.ts says why it reads rather than replays events) → the primary compiles that one
// service for its health targets (never the others: an activation costs one service whatever
// their number) → sends it to every worker, which compiles it for itself and swaps it in. A
// purge takes the same road and is confirmed back (src/control/fleet-purge.ts).

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { buildControlApi, bootstrapAdminToken, listen, popAddresses, tlsMaterial } from '../control/index.ts';
import { authorizePurge } from '../control/api/purge.ts';
import { activeSources } from '../control/sources.ts';
import { registerTlsExpiryGauge } from '../control/tls/metrics.ts';
import type { Purger } from '../edge/purge.ts';
import { fleetPurge } from '../control/fleet-purge.ts';
import { openStore, type Store } from '../store/index.ts';
import { vclValidator } from '../vcl/index.ts';
import { Registry } from 'prom-client';
import { dataDir, type ServeOptions } from './options.ts';
import { followFleet } from './fleet-edge.ts';
import { Membership } from './membership.ts';
import { ClusterMembers } from './cluster-members.ts';
import { defaultNodeUrl } from './node-url.ts';
import { ServicePublisher } from './publisher.ts';
import { startEdge } from './edge.ts';
import { PopHealth } from './pop-health.ts';
import { applyServeV8Flags } from './v8-flags.ts';
import { TlsFeed } from './tls-feed.ts';
import type { TlsMaterial } from '../model/tls.ts';

export interface Running {
  /** `http://host:port` of the control API, when this node runs it. */
  readonly apiUrl: string | null;
  /** Port of the edge listener, when this node runs the edge. */
  readonly edgePort: number | null;
  /** Port of the edge's HTTPS listener, when this node runs the edge and `--tls` is not off. */
  readonly tlsPort: number | null;
  readonly adminToken: string | null;
  readonly health: PopHealth | null;
  /** This node's id in the fleet (the Store's nodes). */
  readonly nodeId: string;
  /**
   * The version of a service last handed to the edge (null: none). With `--workers 0` the edge
   * already routes by it; cluster workers get it over IPC a moment later.
   */
  published(serviceId: string): number | null;
  /** Drains the edge, stops probes, closes the API and the store. */
  stop(): Promise<void>;
}

/** What the composition root is given besides its options (tests give their own). */
export interface LacquerDeps {
  /**
   * Reads the certificates the HTTPS listener serves: every active TLS activation's domain,
   * certificate and key (src/model/tls.ts). Default: the TLS API's, from the Store
   * (src/control/tls/material.ts).
   */
  readonly tlsMaterial?: (store: Store) => Promise<TlsMaterial>;
}

export async function startLacquer(options: ServeOptions, logger: Logger, deps: LacquerDeps = {}): Promise<Running> {
  applyServeV8Flags();
  // DESIGN.md §4.6: `--db postgres://…` never opens a local SQLite file, whatever the role.
  // With PostgreSQL each node holds up to this many connections, plus one that listens.
  const store = await openStore(options.db, { logger, poolSize: options.role === 'edge' ? 4 : 10 });
  try {
    return await startNode(options, logger, store, deps);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function startNode(options: ServeOptions, logger: Logger, store: Store, deps: LacquerDeps): Promise<Running> {
  const runsEdge = options.role !== 'control';
  const runsControl = options.role !== 'edge';
  const purge = fleetPurge(store);

  const metrics = new Registry();
  // One id for this node in the fleet's registry, for its membership and its POP's health.
  const nodeId = randomUUID();
  const health = runsEdge
    ? new PopHealth({
      // A node is a new member of its POP each time it starts: its share of the probes is
      // decided afresh, and its last run's entry ages out of the registry like a dead node's.
      store, pop: options.pop, nodeId,
      logger: logger.child({ component: 'health' }),
      logLevel: options.logLevel, prettyLogs: process.stdout.isTTY === true,
      // A new probed backend starts sick (initial < threshold) until its first good probe, so
      // spreading first probes over the interval kept the n-th of N new backends sick for
      // (n/N) × interval after activation — up to a minute of 503s. Probe new ones at once,
      // as Varnish does when a VCL loads.
      spread: false,
    })
    : null;
  // PURGE <url> at the edge: the token is checked against the store here, then the purge goes
  // to every edge node of the fleet, as one through the API does (DESIGN.md §4.6), and the edge
  // answers once they applied it.
  const authorizedPurge: Purger = async ({ serviceId, token, command }) => {
    const verdict = await authorizePurge(store, token, serviceId);
    if (verdict !== 'ok') return { status: verdict };
    await purge([{ serviceId, command }]);
    return { status: 'ok', id: command.id };
  };
  const edge = runsEdge ? await startEdge(options, logger, (health as PopHealth).thread, authorizedPurge) : null;

  const publisher = new ServicePublisher({
    store, logger,
    apply(change) {
      if (change.type === 'table' || change.type === 'acl') {
        // Versionless data: no backend changes, so health has nothing to do with it.
        edge?.send({ type: 'live', change });
        return;
      }
      health?.apply(change);
      if (change.type === 'put') edge?.send({ type: 'service', source: change.source });
      else edge?.send({ type: 'service-removed', serviceId: change.serviceId });
    },
  });

  const readTls = deps.tlsMaterial ?? tlsMaterial;
  const tls = edge === null || options.tls === null ? null : new TlsFeed({
    material: () => readTls(store), send: (m) => edge.send(m), logger: logger.child({ component: 'tls' }),
  });

  let unfollow = (): void => {};
  let cluster: ClusterMembers | null = null;
  const membership = (url: string): Membership => new Membership({
    store, logger, prunes: runsControl, node: { id: nodeId, role: options.role, pop: options.pop, url },
    ...(cluster === null ? {} : { members: () => (cluster as ClusterMembers).members() }),
  });
  let member: Membership | null = null;
  if (edge !== null && health !== null) {
    const nodeUrl = options.nodeUrl ?? defaultNodeUrl(options.edge, edge.port);
    cluster = new ClusterMembers({ store, edge, pop: options.pop, nodeUrl, logger: logger.child({ component: 'cluster' }) });
    await cluster.start();
    // Events that commit while the configuration loads are applied after it (they only make
    // the publisher look again), so nothing between the two is missed.
    member = membership(nodeUrl);
    await health.start(member.node);
    unfollow = followFleet({
      store, publisher, purge: (c) => edge.purge(c), health: (e) => health.onStoreEvent(e), nodeId, pop: options.pop, logger,
      tls: () => void tls?.reload(),
    });
    // Certificates before services: the edge answers /ready once it has both (DESIGN.md §4.1).
    await tls?.start();
    publisher.seed(await activeSources(store));
    health.seed(publisher.sources());
    // The edge answers /ready once it has this: every active configuration (DESIGN.md §4.1).
    edge.send({ type: 'services', sources: [...publisher.sources()] });
  }

  let apiUrl: string | null = null;
  let adminToken: string | null = null;
  let stopApi = async (): Promise<void> => {};
  if (runsControl) {
    registerTlsExpiryGauge(metrics, store);
    adminToken = await bootstrapAdminToken({ store, token: options.token ?? undefined, dataDir: dataDir(options.db), logger });
    if (options.egress.length === 0 && popAddresses().length === 0) {
      // Info, not warn: on a laptop or behind NAT this is normal, and only origin firewalls care.
      logger.info('this host has no global unicast address (behind NAT?): GET /public-ip-list is empty until --egress names the addresses origins see');
    }
    const app = buildControlApi({
      store, validator: vclValidator, pop: options.pop, egress: options.egress, logger: logger.child({ component: 'api' }), purge,
      ...(health === null ? {} : { health: health.thread }),
      ...(edge === null ? {} : { stats: (serviceId: string) => edge.stats(serviceId) }),
      metrics: async () => ({
        contentType: metrics.contentType,
        text: `${await metrics.metrics()}\n${health === null ? '' : await health.thread.metrics()}\n${edge === null ? '' : await edge.metrics()}`,
      }),
    });
    apiUrl = await listen(app, options.api.host, options.api.port);
    stopApi = () => closeBounded(app);
  }
  // Registered once it serves: a POP is listed, and its nodes asked to confirm purges, from now.
  member ??= membership(options.nodeUrl ?? apiUrl ?? '');
  await member.join();
  const joined = member;
  // The first view includes this node: with `--workers 0` the edge is a member (and ready) now.
  await cluster?.refresh();

  return {
    apiUrl,
    edgePort: edge?.port ?? null,
    tlsPort: edge?.tlsPort ?? null,
    adminToken,
    health,
    nodeId: joined.node.id,
    published: (serviceId) => publisher.published(serviceId),
    async stop() {
      cluster?.stop();
      await joined.leave();
      unfollow();
      tls?.stop();
      await publisher.idle();
      await edge?.stop();
      await health?.stop();
      await stopApi();
      await store.close();
    },
  };
}

/** How long API requests in flight get to finish when the process stops. */
const API_CLOSE_GRACE_MS = 2_000;

/**
 * Closes the control API, bounded: fastify's close waits for every open connection, and a
 * `GET /health/events` stream never ends by itself, so one open dashboard kept SIGTERM from
 * ever exiting. After the grace period the remaining connections are closed.
 */
async function closeBounded(app: ReturnType<typeof buildControlApi>): Promise<void> {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace'>((resolve) => { timer = setTimeout(() => resolve('grace'), API_CLOSE_GRACE_MS); });
  if (await Promise.race([closed.then(() => 'closed' as const), grace]) === 'grace') app.server.closeAllConnections();
  clearTimeout(timer);
  await closed;
}
