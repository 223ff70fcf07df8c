// Child processes of the bench: each in its own process group (detached) so that a server's
// own children (varnishd's cache process, nginx workers, cluster workers) are stopped with it.
// Output goes to a log file in the run's temp dir, never through a pipe to the bench, so that
// the bench process does not spend CPU reading server logs during a measurement.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { request } from 'undici';
import type { Cleanup } from './cleanup.ts';

export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process group leader exits. */
  readonly exited: Promise<number | string>;
  /** The exit code or signal once the leader exited, null while it runs. */
  exitStatus(): number | string | null;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly graceMs?: number;
}

export function startProcess(cleanup: Cleanup, name: string, command: string, args: readonly string[], o: StartOptions): Server {
  const fd = openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: could not start ${command}`);
  cleanup.trackGroup(pid);
  let status: number | string | null = null;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve(err.message));
  }).then((s) => (status = s));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      signalGroup('SIGTERM');
      const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, o.graceMs ?? 5_000, 'timeout').unref());
      if ((await Promise.race([exited, grace])) === 'timeout') signalGroup('SIGKILL');
      await exited;
      // The leader is gone; make sure no worker of its group outlives it.
      signalGroup('SIGKILL');
      cleanup.untrackGroup(pid);
    })();
    return stopping;
  };
  cleanup.add(name, stop);
  return { name, pid, logFile: o.logFile, exited, exitStatus: () => status, stop };
}

/** The last lines of a server's log, for error messages. */
export function logTail(server: Server, lines = 15): string {
  try {
    return readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A port on 127.0.0.1 that was free a moment ago (the kernel picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until `ready(status)` holds, the server exits, or `timeoutMs` passes.
 * Every failure message carries the tail of the server's log.
 */
export async function waitReady(server: Server, url: string, host: string | null, timeoutMs = 30_000,
  ready: (status: number) => boolean = (s) => s === 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exit = server.exitStatus();
    if (exit !== null) throw new Error(`${server.name} exited (${exit}) before it was ready:\n${logTail(server)}`);
    try {
      // undici's request, not fetch: fetch drops a Host header (a forbidden header name).
      const res = await request(url, { headers: host === null ? {} : { host }, signal: AbortSignal.timeout(2_000) });
      await res.body.dump();
      if (ready(res.statusCode)) return;
      last = `status ${res.statusCode}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.name} not ready at ${url} after ${timeoutMs} ms (last: ${last}):\n${logTail(server)}`);
}
