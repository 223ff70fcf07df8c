// The health log line. Varnish writes `Backend_health` for every probe (VBP_Update_Backend,
// cache_backend_probe.c: "%s %s %s %s %u %u %u %.6f %.6f \"%s\"" — name, Went|Still,
// sick|healthy, the newest bit of each register, good, threshold, window, last and average
// response time in seconds, the status line or error); varnishlog shows it after a `-`.
// lacquer logs it at info when the probe's verdict changes ("Went") and at debug otherwise,
// so a fleet of healthy backends stays quiet.

import type { Logger } from 'pino';
import { latestBits } from './state.ts';
import type { HealthState } from './state.ts';

export function backendHealthLine(name: string, state: HealthState, changed: boolean): string {
  const probe = state.probe;
  const threshold = probe?.threshold ?? 0;
  const window = probe?.window ?? 0;
  const rtt = (state.lastRttMs / 1000).toFixed(6);
  const avg = (state.avgRttMs / 1000).toFixed(6);
  return `Backend_health - ${name} ${changed ? 'Went' : 'Still'} ${state.sick ? 'sick' : 'healthy'} ` +
    `${latestBits(state)} ${state.good} ${threshold} ${window} ${rtt} ${avg} "${state.lastResponse}"`;
}

export interface HealthLogContext {
  readonly pop: string;
  /**
   * The probe identity (share key and the whole probe definition, as JSON). Not logged: it
   * is hundreds of characters of quoted JSON on every line, and service, backend and POP
   * already say which probe this is.
   */
  readonly identity: string;
  readonly service: string;
  readonly backend: string;
}

export function logProbe(logger: Logger, ctx: HealthLogContext, state: HealthState, changed: boolean): void {
  if (!changed && !logger.isLevelEnabled('debug')) return;
  const fields = { pop: ctx.pop, service: ctx.service, backend: ctx.backend, healthy: state.healthy, sick: state.sick, good: state.good };
  const line = backendHealthLine(ctx.backend, state, changed);
  if (changed) logger.info(fields, line);
  else logger.debug(fields, line);
}
