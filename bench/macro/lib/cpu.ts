// CPU time used by a server's whole process group (Linux /proc), sampled around a run, so the
// report can show how much of the 2 cores each server actually took: "1 worker" caps lacquer,
// nginx and Node at one busy process, but Varnish's threads are not capped (proc(5), stat).

import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU seconds of every live process whose process group is `pgid`. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which may hold spaces) start at field 3, "state".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS;
}

/**
 * CPU seconds the whole machine spent busy (every state but idle and iowait, steal included:
 * time a hypervisor gave to other guests is time this run did not get), and of those the
 * steal alone (proc(5), /proc/stat).
 */
export function machineSeconds(): { readonly busy: number; readonly steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return { busy: (user + nice + system + irq + softirq + steal) / TICKS, steal: steal / TICKS };
}
