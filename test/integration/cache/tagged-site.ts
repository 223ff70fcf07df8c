// A cached site for purge tests: an origin whose pages stay fresh for an hour, each tagged with
// the Surrogate-Key the table gives it, behind a service of its own on lacquer.
import type { TestContext } from 'node:test';
import type { Lacquer } from '../harness.ts';
import { origin, send } from './origin.ts';

export interface TaggedSite {
  readonly sid: string;
  /** X-Cache of one request to each of the table's paths, in the table's order. */
  states(): Promise<string[]>;
}

/** Serves `keys` (path → Surrogate-Key) on `domain` and requests every path once, so each is cached. */
export async function taggedSite(t: TestContext, lq: Lacquer, domain: string, keys: Readonly<Record<string, string>>): Promise<TaggedSite> {
  const o = await origin(t, (req, res, n) => {
    send(res, { 'cache-control': 'max-age=3600', 'surrogate-key': keys[req.url ?? ''] ?? 'none' }, `${req.url} #${n}`);
  });
  const sid = await lq.createService({ domains: [domain], backends: [{ name: 'o', address: '127.0.0.1', port: o.port }] });
  const states = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const path of Object.keys(keys)) out.push(String((await lq.edge(domain, { path })).headers['x-cache']));
    return out;
  };
  await states();
  return { sid, states };
}
