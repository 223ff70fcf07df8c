// Fastly's variables of the backend: its connection and health (backend.*, req.backend), the
// backend request (bereq.*) and the backend response (beresp.*), from the variable reference
// (https://www.fastly.com/documentation/reference/vcl/variables/backend-connection/,
// …/backend-request/, …/backend-response/). The checker makes sure bereq and beresp exist where
// they are used, so their closures may assume them. Entries with closures are the ones lacquer
// runs; define.ts explains an entry.
import { ALL, on, ro, rw, v } from './define.ts';
import type { VariableSpec } from './define.ts';
import { header, urlPath, urlQuery } from './access.ts';
import { urlBasename, urlDirname, urlExt } from './request-values.ts';
import { saintmode } from './cache-values.ts';

export const BACKEND: readonly VariableSpec[] = [
  // ── backend-connection ──
  v('backend.conn.is_tls', 'BOOL', 'RO', on('fetch')),
  v('backend.conn.tls_protocol', 'STRING', 'RO', on('fetch')),
  v('req.backend', 'BACKEND', 'RW', ALL, (_u, env) => {
    const def = env.defaultBackend;
    return rw((c) => c.req.backend ?? def, (c, _f, v) => { c.req.backend = v as string | null; });
  }),
  v('req.backend.healthy', 'BOOL', 'RO', ALL, (_u, env) => {
    const def = env.defaultBackend;
    return ro((c) => {
      const b = c.req.backend ?? def;
      return b !== null && c.isHealthy(b);
    });
  }),
  // Shielding (DESIGN.md §4.4, src/edge/fleet/): an API backend whose `shield` names another POP
  // with a live node is fetched through that POP; at the shield itself it is the origin.
  v('req.backend.is_shield', 'BOOL', 'RO', ALL, (_u, env) => {
    const def = env.defaultBackend;
    return ro((c) => c.isShieldBackend?.(c.req.backend ?? def) ?? false);
  }),
  v('req.backend.is_origin', 'BOOL', 'RO', on('miss', 'pass', 'fetch'), (_u, env) => {
    const def = env.defaultBackend;
    return ro((c) => !(c.isShieldBackend?.(c.req.backend ?? def) ?? false));
  }),
  // Clustering: true in vcl_deliver on the delivery member when another member fetched the object.
  v('req.backend.is_cluster', 'BOOL', 'RO', ALL, ro((c) => c.isCluster ?? false)),
  v('bereq.connect_timeout', 'RTIME', 'RW', on('miss', 'pass')),
  v('bereq.first_byte_timeout', 'RTIME', 'RW', on('miss', 'pass')),
  v('bereq.between_bytes_timeout', 'RTIME', 'RW', on('miss', 'pass')),
  v('beresp.backend.ip', 'IP', 'RO', on('fetch', 'error', 'deliver', 'log')),
  v('beresp.used_alternate_path_to_origin', 'BOOL', 'RO', on('fetch')),
  v('beresp.handshake_time_to_origin_ms', 'INTEGER', 'RO', on('fetch')),
  v('beresp.backend.alternate_ips', 'STRING', 'RO', on('fetch')),
  v('beresp.backend.src_ip', 'IP', 'RO', ALL),
  v('beresp.backend.src_port', 'INTEGER', 'RO', ALL),
  v('beresp.backend.port', 'INTEGER', 'RO', on('fetch')),
  v('beresp.backend.requests', 'INTEGER', 'RO', on('fetch')),
  // The checker makes sure NAME is a declared backend or director.
  v('backend.{name}.healthy', 'BOOL', 'RO', ALL, ({ param }) => {
    const b = param ?? '';
    return ro((c) => c.isHealthy(b));
  }),
  v('backend.{name}.connections_open', 'INTEGER', 'RO', ALL),
  v('backend.{name}.connections_used', 'INTEGER', 'RO', ALL),
  v('backend.socket.tcpi_pmtu', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_rcv_ssthresh', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_snd_ssthresh', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_snd_cwnd', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_advmss', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_pacing_rate', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_max_pacing_rate', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_bytes_acked', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_bytes_received', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_segs_out', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_segs_in', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_notsent_bytes', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_min_rtt', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_data_segs_in', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_data_segs_out', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_delivery_rate', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.congestion_algorithm', 'STRING', 'RO', on('fetch')),
  v('backend.socket.tcpi_rcv_mss', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_snd_mss', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_rtt', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_rttvar', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_reordering', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_rcv_rtt', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_rcv_space', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_last_data_sent', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_total_retrans', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.tcpi_delta_retrans', 'INTEGER', 'RO', on('fetch')),
  v('backend.socket.cwnd', 'INTEGER', 'RO', on('fetch')),
  // ── backend-request ──
  v('bereq.method', 'STRING', 'RW', on('miss', 'pass', 'fetch'), rw((c) => c.bereq!.method, (c, _f, v) => { c.bereq!.method = (v as string | null) ?? ''; })),
  v('bereq.request', 'STRING', 'RW', on('miss', 'pass', 'fetch'), rw((c) => c.bereq!.method, (c, _f, v) => { c.bereq!.method = (v as string | null) ?? ''; }), { aliasOf: 'bereq.method' }),
  v('bereq.url', 'STRING', 'RW', on('miss', 'pass', 'fetch'), rw((c) => c.bereq!.url, (c, _f, v) => { c.bereq!.url = (v as string | null) ?? ''; })),
  v('bereq.url.path', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => urlPath(c.bereq!.url))),
  v('bereq.url.ext', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => urlExt(c.bereq!.url))),
  v('bereq.url.basename', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => urlBasename(c.bereq!.url))),
  v('bereq.url.dirname', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => urlDirname(c.bereq!.url))),
  v('bereq.url.qs', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => urlQuery(c.bereq!.url))),
  v('bereq.proto', 'STRING', 'RO', on('miss', 'pass', 'fetch'), ro((c) => c.bereq!.proto)),
  v('bereq.http.{header}', 'HEADER', 'RWU', on('miss', 'pass', 'fetch'), header('bereq')),
  v('bereq.headers', 'STRING', 'RO', on('miss', 'pass', 'fetch')),
  v('bereq.bytes_written', 'INTEGER', 'RO', on('fetch', 'deliver', 'log')),
  v('bereq.header_bytes_written', 'INTEGER', 'RO', on('fetch', 'deliver', 'log')),
  v('bereq.body_bytes_written', 'INTEGER', 'RO', on('fetch', 'deliver', 'log')),
  v('bereq.is_clustering', 'BOOL', 'RO', ALL),
  // Not in Fastly's reference, but Fastly's own generated VCL sets it, so Fastly has it.
  v('bereq.max_reuse_idle_time', 'RTIME', 'RW', on('miss', 'pass')),
  // ── backend-response ──
  v('beresp.proto', 'STRING', 'RO', on('fetch')),
  v('beresp.saintmode', 'RTIME', 'WO', on('fetch'), saintmode),
  v('beresp.status', 'INTEGER', 'RW', on('fetch'), rw((c) => c.beresp!.status, (c, _f, v) => { c.beresp!.status = v as number; })),
  v('beresp.response', 'STRING', 'RW', on('fetch'), rw((c) => c.beresp!.response, (c, _f, v) => { c.beresp!.response = (v as string | null) ?? ''; })),
  v('beresp.http.{header}', 'HEADER', 'RWU', on('fetch'), header('beresp')),
  v('beresp.headers', 'STRING', 'RO', on('fetch')),
  v('beresp.cacheable', 'BOOL', 'RW', on('fetch'), rw((c) => c.beresp!.cacheable, (c, _f, v) => { c.beresp!.cacheable = v as boolean; })),
  v('beresp.ttl', 'RTIME', 'RW', on('fetch'), rw((c) => c.beresp!.ttl, (c, _f, v) => { c.beresp!.ttl = v as number; })),
  v('beresp.grace', 'RTIME', 'RW', on('fetch'), rw((c) => c.beresp!.grace, (c, _f, v) => { c.beresp!.grace = v as number; })),
  v('beresp.stale_if_error', 'RTIME', 'RW', on('fetch'), rw((c) => c.beresp!.staleIfError, (c, _f, v) => { c.beresp!.staleIfError = v as number; })),
  v('beresp.stale_while_revalidate', 'RTIME', 'RW', on('fetch'), rw((c) => c.beresp!.staleWhileRevalidate, (c, _f, v) => { c.beresp!.staleWhileRevalidate = v as number; })),
  // Fastly: setting one of the two unsets the other (beresp.gzip, beresp.brotli reference pages).
  v('beresp.gzip', 'BOOL', 'RW', on('fetch'), rw((c) => c.beresp!.gzip ?? false, (c, _f, v) => {
    c.beresp!.gzip = v as boolean;
    if (v === true) c.beresp!.brotli = false;
  })),
  v('beresp.brotli', 'BOOL', 'RW', on('fetch'), rw((c) => c.beresp!.brotli ?? false, (c, _f, v) => {
    c.beresp!.brotli = v as boolean;
    if (v === true) c.beresp!.gzip = false;
  })),
  // lacquer always streams a body to the client as it arrives from the origin, which is what
  // Fastly does with do_stream true; the value is kept so VCL reads what it set, and false
  // (Fastly's default: buffer the whole body first) changes nothing.
  v('beresp.do_stream', 'BOOL', 'RW', on('fetch'), rw((c) => c.beresp!.doStream ?? false, (c, _f, v) => { c.beresp!.doStream = v as boolean; })),
  v('beresp.pci', 'BOOL', 'RW', on('fetch')),
  v('beresp.hipaa', 'BOOL', 'RW', on('fetch')),
  // The backend the response came from: a director's member, not the director.
  v('beresp.backend.name', 'STRING', 'RO', on('fetch', 'error', 'deliver', 'log'), ro((c) => c.backend ?? '')),
];
