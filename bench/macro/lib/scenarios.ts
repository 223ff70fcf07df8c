// What the edge bench measures (issue 5 §6, issue 6 §6), as data: each scenario is run against
// every server, the same wrk settings, the same origin.

export type Mode = 'pass' | 'cache';
export type ServerName = 'lacquer' | 'varnish' | 'nginx' | 'node';

export const SERVERS: readonly ServerName[] = ['lacquer', 'varnish', 'nginx', 'node'];

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Which configuration of each proxy serves it; the bare Node server has only one. */
  readonly mode: Mode;
  /** The URL path wrk asks for (for the mix, the prefix its Lua script builds URLs under). */
  readonly path: string;
  readonly mix: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'pass-1k', title: '1 KB pass', mode: 'pass', path: '/1k/pass', mix: false },
  { id: 'hit-1k', title: '1 KB hit', mode: 'cache', path: '/1k/hot', mix: false },
  { id: 'hit-100k', title: '100 KB hit', mode: 'cache', path: '/100k/hot', mix: false },
  { id: 'mix-1k', title: '1 KB 90/10 hit/miss', mode: 'cache', path: '/1k/', mix: true },
];

/** Where wrk sends a scenario's requests for one server. */
export interface Target {
  readonly url: string;
  readonly host: string | null;
}
