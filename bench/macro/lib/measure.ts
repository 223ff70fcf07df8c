// One measured run: wrk against a server, with the origin's request counter and the CPU of
// the server, the origin, wrk and the rest of the machine sampled around it.

import type { Cleanup } from './cleanup.ts';
import { groupCpuSeconds, machineSeconds } from './cpu.ts';
import type { Origin } from './origin.ts';
import type { Measurement } from './report.ts';
import { runWrk, type WrkRun } from './wrk.ts';

export interface MeasureOptions {
  readonly cleanup: Cleanup;
  readonly dir: string;
  readonly origin: Origin;
  /** Process group of the server under test. */
  readonly serverPid: number;
  /** False when the server under test is the origin itself (the bare Node ceiling). */
  readonly proxied: boolean;
  readonly run: WrkRun;
}

export async function measure(o: MeasureOptions): Promise<Measurement> {
  const originBefore = await o.origin.requests();
  const serverBefore = groupCpuSeconds(o.serverPid);
  const originCpuBefore = groupCpuSeconds(o.origin.server.pid);
  const machineBefore = machineSeconds();
  const wrk = await runWrk(o.cleanup, o.dir, o.run);
  const machineAfter = machineSeconds();
  const busy = machineAfter.busy - machineBefore.busy;
  const steal = machineAfter.steal - machineBefore.steal;
  const server = groupCpuSeconds(o.serverPid) - serverBefore;
  const originCpu = o.proxied ? groupCpuSeconds(o.origin.server.pid) - originCpuBefore : 0;
  const originRequests = (await o.origin.requests()) - originBefore;
  // The window between the samples is a little longer than wrk's own duration (start-up,
  // the counter requests); dividing by wrk's duration overstates cores by that little.
  const cores = (seconds: number) => seconds / wrk.seconds;
  return {
    requestsPerSecond: wrk.requestsPerSecond,
    p50Ms: wrk.p50Ms,
    p99Ms: wrk.p99Ms,
    errors: wrk.errors,
    originShare: o.proxied ? originRequests / Math.max(wrk.requests, 1) : null,
    serverCores: cores(server),
    originCores: o.proxied ? cores(originCpu) : null,
    wrkCores: cores(wrk.cpuSeconds),
    otherCores: Math.max(0, cores(busy - steal - server - originCpu - wrk.cpuSeconds)),
    stealCores: cores(steal),
  };
}
