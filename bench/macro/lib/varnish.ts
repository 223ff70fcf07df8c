// Varnish 7.1 baseline: one varnishd per mode, in the foreground, its working dir (-n) in the
// run's temp dir, listening on 127.0.0.1 only, no management port (-T none), 256 MB malloc
// storage (the size lacquer's --cache-size defaults to).
//
// - pass:  vcl_recv { return (pass); }
// - cache: only the backend: Varnish's builtin VCL caches per the origin's Cache-Control.
//
// Varnish is threaded, not forked: `-p thread_pools=<workers>` is the closest knob to a
// worker count, but its threads may still use every core (see docs/benchmarks.md).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cleanup } from './cleanup.ts';
import { freePort, startProcess, waitReady, type Server } from './proc.ts';

export type VarnishMode = 'pass' | 'cache';

export interface Varnish {
  readonly server: Server;
  readonly url: string;
}

export const VARNISHD = '/usr/sbin/varnishd';

function vcl(mode: VarnishMode, originPort: number): string {
  const backend = `vcl 4.1;\n\nbackend origin {\n  .host = "127.0.0.1";\n  .port = "${originPort}";\n}\n`;
  return mode === 'pass' ? `${backend}\nsub vcl_recv {\n  return (pass);\n}\n` : backend;
}

export async function startVarnish(cleanup: Cleanup, dir: string, mode: VarnishMode, workers: number, originPort: number): Promise<Varnish> {
  const port = await freePort();
  const vclFile = path.join(dir, `varnish-${mode}.vcl`);
  writeFileSync(vclFile, vcl(mode, originPort));
  const args = [
    '-F',
    '-n', path.join(dir, `varnish-${mode}`),
    '-a', `127.0.0.1:${port}`,
    '-T', 'none',
    '-f', vclFile,
    '-s', 'malloc,256m',
    '-p', `thread_pools=${workers}`,
  ];
  // As root, varnishd's default "unix" jail drops to the varnish user, which cannot read our
  // private temp dir; the bench needs no jail, so it asks for none (varnishd(1), -j).
  if (process.getuid?.() === 0) args.unshift('-j', 'none');
  const server = startProcess(cleanup, `varnish ${mode}`, VARNISHD, args, { logFile: path.join(dir, `varnish-${mode}.log`) });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(server, `${url}/1k/ready`, null);
  return { server, url };
}
