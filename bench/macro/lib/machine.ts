// The machine and software a run measured, printed with the numbers: a ratio means little
// without knowing how many cores the servers and wrk shared and how busy the host was.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { NGINX } from './nginx.ts';
import { VARNISHD } from './varnish.ts';
import { WRK } from './wrk.ts';

function firstLine(command: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd });
  if (r.error !== undefined) return `unavailable (${r.error.message})`;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '?';
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function describeMachine(): string {
  const cpus = os.cpus();
  const repo = path.resolve(import.meta.dirname, '../../..');
  return [
    `machine  ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`,
    `software node ${process.version}; ${firstLine(VARNISHD, ['-V'])}; ${firstLine(NGINX, ['-v'])}; ${firstLine(WRK, ['-v'])}`,
    `lacquer  ${firstLine('git', ['log', '-1', '--format=%h %s'], repo)}`,
  ].join('\n');
}

/** Fails early, with the missing path, if a server or wrk is not installed. */
export function missingTools(): string[] {
  return [VARNISHD, NGINX, WRK].filter((tool) => spawnSync(tool, ['-h'], { stdio: 'ignore' }).error !== undefined);
}
