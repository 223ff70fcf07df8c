// What the edge bench measures (docs/benchmarks.md), as data: each scenario is run against
// every server, the same wrk settings, the same origin.

export type Mode = 'pass' | 'cache';
/** `before`: lacquer from another checkout (`--before DIR`), measured beside this one. */
export type ServerName = 'lacquer' | 'before' | 'varnish' | 'nginx' | 'node';

export const SERVERS: readonly ServerName[] = ['lacquer', 'before', 'varnish', 'nginx', 'node'];

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Which configuration of each proxy serves it; the bare Node server has only one. */
  readonly mode: Mode;
  /** The URL path wrk asks for (for the mix, the prefix its Lua script builds URLs under). */
  readonly path: string;
  readonly mix: boolean;
  /** Header fields wrk adds to every request, besides Host. */
  readonly headers?: readonly string[];
  /** A POST with a body of this many bytes instead of a GET (wrk's `post` script). */
  readonly postBytes?: number;
}

/** The request body of the POST scenario (an API call, a form): within what the edge holds whole. */
export const POST_BODY_BYTES = 10 * 1024;

/**
 * The fields a desktop browser sends when it loads a script, without Cookie: Varnish's builtin
 * VCL passes every request that has one, which would turn its hits into passes.
 */
const BROWSER_HEADERS: readonly string[] = [
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Accept: */*',
  'Accept-Encoding: gzip, deflate, br, zstd',
  'Accept-Language: en-GB,en;q=0.9,de;q=0.8',
  'Referer: https://www.example.com/',
  'Sec-Fetch-Dest: script',
  'Sec-Fetch-Mode: no-cors',
  'Sec-Fetch-Site: same-origin',
  'sec-ch-ua: "Chromium";v="130", "Not?A_Brand";v="99"',
  'sec-ch-ua-mobile: ?0',
  'sec-ch-ua-platform: "Linux"',
  'Priority: u=1',
];

export const SCENARIOS: readonly Scenario[] = [
  { id: 'pass-1k', title: '1 KB pass', mode: 'pass', path: '/1k/pass', mix: false },
  { id: 'pass-100k', title: '100 KB pass', mode: 'pass', path: '/100k/pass', mix: false },
  { id: 'pass-post-10k', title: 'POST 10 KB pass', mode: 'pass', path: '/1k/post', mix: false, postBytes: POST_BODY_BYTES },
  { id: 'hit-1k', title: '1 KB hit', mode: 'cache', path: '/1k/hot', mix: false },
  { id: 'hit-1k-browser', title: '1 KB hit, browser head', mode: 'cache', path: '/1k/hot', mix: false, headers: BROWSER_HEADERS },
  { id: 'hit-100k', title: '100 KB hit', mode: 'cache', path: '/100k/hot', mix: false },
  { id: 'mix-1k', title: '1 KB 90/10 hit/miss', mode: 'cache', path: '/1k/', mix: true },
];

/** Where wrk sends a scenario's requests for one server. */
export interface Target {
  readonly url: string;
  readonly host: string | null;
}
