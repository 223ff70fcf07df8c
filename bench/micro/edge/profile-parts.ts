// A V8 CPU profile (the inspector's Profiler.stop result) split into the parts of a request that
// docs/benchmarks.md names: each sample's time goes to the nearest lacquer frame on its stack
// (so a native call, a syscall included, counts for the lacquer code that made it), and that
// frame's file and function decide the part. Samples with no lacquer frame are Node's own event
// loop and stream machinery, or the bench's stand-in client.

/** The parts, matched in order against `file function` of the nearest lacquer frame. */
const PARTS: readonly (readonly [RegExp, string])[] = [
  [/upstream\/exchange\.ts start$|upstream\/connection-pool\.ts (#drain|acquire|open)$|upstream\/connector\.ts/, 'upstream write'],
  [/upstream\/(response-head|body-reader|exchange|connection|connection-pool|origin-response)\.ts/, 'response parse (upstream read)'],
  [/upstream\/(request-head|pools|undici-exchange)\.ts|edge\/(headers|header-map|fetch|directors|backend-health|passive)\.ts/, 'request build (bereq, fields, fetch step)'],
  [/src\/vcl\//, 'VCL'],
  [/http1\/(request-head|connection|request-target|timeouts)\.ts/, 'client read (request head, connection)'],
  [/http1\/(response|field-lines)\.ts|edge\/(respond|bytes)\.ts/, 'client write (response head and body)'],
  [/edge\/(access-log|stats|metrics|histogram)\.ts|process\/logger\.ts/, 'access log, stats, metrics'],
  [/src\//, 'pipeline, context, cache checks'],
  [/bench\//, 'bench harness (stand-in client)'],
];

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Each part's share of the profile's busy (non-idle) time, largest first. */
export function profileParts(profile: CpuProfile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const part = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)!.callFrame.functionName;
    let found = leaf === '(garbage collector)' ? 'garbage collection' : leaf === '(idle)' ? '(idle)' : '';
    for (let cur: number | undefined = id; found === '' && cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!/\/(src|bench)\//.test(f.url)) continue;
      const key = `${f.url} ${f.functionName}`;
      found = PARTS.find(([re]) => re.test(key))?.[1] ?? 'pipeline, context, cache checks';
    }
    if (found === '') found = 'Node: event loop, streams, (program)';
    partOf.set(id, found);
    return found;
  };
  const time = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const d = profile.timeDeltas[i + 1] ?? 0;
    const p = part(profile.samples[i]);
    if (p === '(idle)') continue;
    busy += d;
    time.set(p, (time.get(p) ?? 0) + d);
  }
  return [...time].map(([p, t]): [string, number] => [p, t / busy]).sort((a, b) => b[1] - a[1]);
}
