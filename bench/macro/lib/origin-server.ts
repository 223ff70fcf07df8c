// The origin of the edge bench, and the "bare Node" ceiling: a plain node:http server run by
// node:cluster with N workers, as lacquer runs its edge, answering every GET with a fixed body
// that every cache may keep for an hour. Run as a child process:
//
//   node bench/macro/lib/origin-server.ts <port> <stats-port> <workers>
//
// `/100k…` paths get 102,400 bytes, every other path 1,024 bytes. Each worker counts the
// requests it answered; `GET http://127.0.0.1:<stats-port>/count` on the primary sums them,
// so the bench can say how many requests a proxy sent to the origin during a run (its
// miss/pass share) without the origin doing any I/O per request.

import cluster from 'node:cluster';
import http from 'node:http';

const [portText, statsPortText, workersText] = process.argv.slice(2);
const SMALL = Buffer.alloc(1024, 'x');
const LARGE = Buffer.alloc(100 * 1024, 'x');
const HEADERS_SMALL = { 'content-type': 'text/plain', 'content-length': String(SMALL.length), 'cache-control': 'public, max-age=3600' };
const HEADERS_LARGE = { ...HEADERS_SMALL, 'content-length': String(LARGE.length) };

interface CountMessage {
  type: 'count';
  id: number;
  count?: number;
}

function runWorker(port: number): void {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    const large = req.url !== undefined && req.url.startsWith('/100k');
    res.writeHead(200, large ? HEADERS_LARGE : HEADERS_SMALL);
    res.end(large ? LARGE : SMALL);
  });
  // Longer than every proxy's idle time for upstream connections, so no proxy's pool races a
  // server-side close in the middle of a run (Node's default is 5 s).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, '127.0.0.1');
  process.on('message', (m: CountMessage) => {
    if (m.type === 'count') process.send?.({ type: 'count', id: m.id, count } satisfies CountMessage);
  });
}

function runPrimary(port: number, statsPort: number, workers: number): void {
  for (let i = 0; i < workers; i++) cluster.fork();
  let nextId = 0;
  const count = (): Promise<number> => {
    const id = nextId++;
    const all = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    return Promise.all(all.map((w) => new Promise<number>((resolve) => {
      const onMessage = (m: CountMessage): void => {
        if (m.type !== 'count' || m.id !== id) return;
        w.off('message', onMessage);
        resolve(m.count ?? 0);
      };
      w.on('message', onMessage);
      w.send({ type: 'count', id } satisfies CountMessage);
    }))).then((counts) => counts.reduce((a, b) => a + b, 0));
  };
  http.createServer((req, res) => {
    count().then((n) => res.end(JSON.stringify({ requests: n })), () => res.writeHead(500).end());
  }).listen(statsPort, '127.0.0.1');
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) console.log(`origin on 127.0.0.1:${port}, ${workers} workers`);
  });
  // A worker dying mid-run would make the numbers meaningless: stop loudly instead.
  cluster.on('exit', (w, code, signal) => {
    console.error(`origin worker ${w.process.pid} exited (${code ?? signal})`);
    process.exit(1);
  });
  process.on('SIGTERM', () => {
    cluster.removeAllListeners('exit');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
}

if (cluster.isPrimary) runPrimary(Number(portText), Number(statsPortText), Number(workersText));
else runWorker(Number(portText));
