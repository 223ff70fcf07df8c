// A fleet on one machine, as an operator runs it (DESIGN.md §4.6, docs/deploy.md): each node is
// a `lacquer serve --role … --db postgres://…` child process on loopback, ports chosen by the
// kernel. Used by test/integration/fleet/ and bench/macro/fleet.bench.ts. The caller stops
// every node it started (`stop`), or they are killed with their process group when this
// process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const BIN = path.join(import.meta.dirname, '../../bin/lacquer.ts');
export const FLEET_TOKEN = 'fleet-admin-token';

export interface NodeOptions {
  readonly db: string;
  readonly role: 'all' | 'edge' | 'control';
  readonly pop?: string;
  /** `--workers` (default 0: the edge in the node's own process). */
  readonly workers?: number;
  readonly extra?: readonly string[];
}

export interface FleetNode {
  readonly role: NodeOptions['role'];
  readonly pop: string;
  readonly pid: number;
  /** The control API's base URL; null on an edge node. */
  readonly apiUrl: string | null;
  /** The edge's port; null on a control node. */
  readonly edgePort: number | null;
  /** Everything the node wrote to stdout and stderr so far (its logs are JSON lines). */
  output(): string;
  /** SIGTERM (drains and exits 0), or SIGKILL to the process group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal (SIGSTOP to freeze it, SIGCONT to let it go on). */
  signal(signal: NodeJS.Signals): void;
  readonly exited: Promise<number | null>;
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** Starts one node and resolves once it listens (an edge node: once it is ready). */
export async function startNode(o: NodeOptions): Promise<FleetNode> {
  const pop = o.pop ?? 'local';
  const child = spawn(process.execPath, [
    BIN, 'serve', '--role', o.role, '--pop', pop, '--db', o.db, '--workers', String(o.workers ?? 0),
    '--edge', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--api', '127.0.0.1:0', '--token', FLEET_TOKEN, ...(o.extra ?? []),
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LACQUER_LOG_LEVEL: process.env.LACQUER_LOG_LEVEL ?? 'info' } });
  started.add(child);
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += String(c); });
  child.stderr.on('data', (c: Buffer) => { output += String(c); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    started.delete(child);
    resolve(code);
  }));
  const wantsApi = o.role !== 'edge';
  const wantsEdge = o.role !== 'control';
  const { apiUrl, edgePort } = await new Promise<{ apiUrl: string | null; edgePort: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lacquer serve --role ${o.role} did not start within 20 s:\n${output}`)), 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`lacquer serve --role ${o.role} exited with ${code}:\n${output}`));
    });
    const check = (): void => {
      const api = /^control API on (http:\/\/\S+)$/m.exec(output)?.[1] ?? null;
      const edge = /^edge on http:\/\/[^:]+:(\d+)$/m.exec(output)?.[1] ?? null;
      if ((wantsApi && api === null) || (wantsEdge && edge === null)) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({ apiUrl: api, edgePort: edge === null ? null : Number(edge) });
    };
    child.stdout.on('data', check);
  });
  return {
    role: o.role, pop, pid: child.pid as number, apiUrl, edgePort, exited,
    output: () => output,
    signal: (signal) => {
      try {
        process.kill(child.pid as number, signal);
      } catch {
        // gone
      }
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(child.pid as number, 'SIGCONT');
      } catch {
        // gone
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One control API call with the fleet's token; JSON in and out. */
export async function api(node: FleetNode, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${node.apiUrl}${urlPath}`, {
    method, headers: { 'fastly-key': FLEET_TOKEN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** Like `api`, but throws unless the answer is 2xx. */
export async function apiOk(node: FleetNode, method: string, urlPath: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await api(node, method, urlPath, body);
  if (r.status >= 300) throw new Error(`${method} ${urlPath} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, unknown>;
}
