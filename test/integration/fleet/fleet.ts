// The fleet the scenarios of this folder run on (DESIGN.md §4.6): PostgreSQL, one control node,
// POP `a` with two edge nodes and POP `b` with one, each `lacquer serve` a child process
// (test/support/fleet.ts). Everything is stopped by the cleanup the caller registers (a test's
// `t.after`, or a suite's `after` when its tests share one fleet).
import assert from 'node:assert/strict';
import { request, type EdgeReply, type EdgeRequest } from '../harness.ts';
import { apiOk, startNode, type FleetNode, type NodeOptions } from '../../support/fleet.ts';
import { startPostgres, type OwnedPostgresServer } from '../../support/postgres.ts';

export interface Fleet {
  readonly pg: OwnedPostgresServer;
  readonly db: string;
  readonly control: FleetNode;
  /** a1, a2 (POP a), b1 (POP b). */
  readonly edges: readonly FleetNode[];
  /** Starts one more node on the fleet's database; stopped with the test. */
  node(o: Omit<NodeOptions, 'db'>): Promise<FleetNode>;
  /** A service with one domain and one backend, version 1 active. */
  createService(domain: string, originPort: number): Promise<string>;
}

/** Registers what stops the fleet: `(fn) => t.after(fn)`, or a suite's `after`. */
export type Cleanup = (fn: () => Promise<void>) => void;

export async function startFleet(cleanup: Cleanup): Promise<Fleet> {
  // A server of this test's own: some scenarios shut it down.
  const pg = await startPostgres();
  const nodes: FleetNode[] = [];
  cleanup(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await pg.destroy();
  });
  const db = await pg.createDatabase();
  const node = async (o: Omit<NodeOptions, 'db'>): Promise<FleetNode> => {
    const n = await startNode({ db, ...o });
    nodes.push(n);
    return n;
  };
  // The control node first: it is where migrations usually run; the edges start together.
  const control = await node({ role: 'control' });
  const edges = await Promise.all([node({ role: 'edge', pop: 'a' }), node({ role: 'edge', pop: 'a' }), node({ role: 'edge', pop: 'b' })]);
  return {
    pg, db, control, edges, node,
    async createService(domain, originPort) {
      const { id } = await apiOk(control, 'POST', '/service', { name: domain }) as { id: string };
      await apiOk(control, 'POST', `/service/${id}/version/1/domain`, { name: domain });
      await apiOk(control, 'POST', `/service/${id}/version/1/backend`, { name: 'origin', address: '127.0.0.1', port: originPort });
      await apiOk(control, 'PUT', `/service/${id}/version/1/activate`);
      return id;
    },
  };
}

export function edge(node: FleetNode, host: string, req?: EdgeRequest): Promise<EdgeReply> {
  assert.notEqual(node.edgePort, null);
  return request(node.edgePort as number, host, req);
}

/**
 * Polls every edge node until `check` holds for each; resolves with how long, in ms from the
 * call, the slowest took. Fails after `timeoutMs`, naming the nodes that never got there.
 */
export async function everyEdge(nodes: readonly FleetNode[], check: (reply: EdgeReply) => boolean, host: string, timeoutMs: number, req?: EdgeRequest): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  const pending = new Set(nodes);
  let slowest = 0;
  while (pending.size > 0) {
    for (const n of [...pending]) {
      const reply = await edge(n, host, req).catch(() => null);
      if (reply !== null && check(reply)) {
        pending.delete(n);
        slowest = performance.now() - t0;
      }
    }
    if (pending.size === 0) break;
    if (performance.now() > deadline) {
      throw new Error(`after ${timeoutMs} ms, ${[...pending].map((n) => `${n.pop}:${n.edgePort}`).join(', ')} still did not`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return slowest;
}
