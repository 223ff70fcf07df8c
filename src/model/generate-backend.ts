// API backends, their healthchecks and directors → `backend` and `director` declarations of
// the VCL syntax tree. Properties follow Fastly's backend declaration
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/) and director
// declaration (https://www.fastly.com/documentation/reference/vcl/declarations/director/).
// Every value is a typed field of an API record (src/model/api) and becomes a literal node;
// the printer writes the text.
import type * as A from '../vcl/syntax/index.ts';
import { build as B } from '../vcl/syntax/index.ts';
import { DIRECTOR_TYPES, type BackendRecord, type DirectorRecord, type HealthcheckRecord } from './api/index.ts';
import type { Problems } from './generation-problems.ts';
import { AUTO_DIRECTOR, backendVclName, directorVclName } from './vcl-names.ts';

const PROBE_USER_AGENT = 'User-Agent: lacquer (healthcheck)';

export function backendDeclaration(b: BackendRecord, hc: HealthcheckRecord | null, serviceId: string, problems: Problems): A.BackendDeclaration {
  const owner = `backend "${b.name}"`;
  const text = (field: string, value: string): A.StringLiteral => problems.text(owner, field, value);
  const props: A.Property[] = [];
  const prop = (name: string, value: A.Expression | A.ObjectValue): void => {
    props.push(B.property(name, value));
  };
  prop('dynamic', B.bool(true));
  prop('share_key', text('share_key', b.share_key ?? serviceId));
  prop('host', text('address', b.address));
  prop('port', B.str(String(b.port)));
  prop('ssl', B.bool(b.use_ssl));
  if (b.use_ssl) {
    // ssl_hostname is Fastly's older name for both; the specific fields win.
    const certHost = b.ssl_cert_hostname ?? b.ssl_hostname;
    const sniHost = b.ssl_sni_hostname ?? b.ssl_hostname;
    if (certHost !== null) prop('ssl_cert_hostname', text(b.ssl_cert_hostname === null ? 'ssl_hostname' : 'ssl_cert_hostname', certHost));
    if (sniHost !== null) prop('ssl_sni_hostname', text(b.ssl_sni_hostname === null ? 'ssl_hostname' : 'ssl_sni_hostname', sniHost));
    prop('ssl_check_cert', B.ident(b.ssl_check_cert ? 'always' : 'never'));
    if (b.min_tls_version !== null) prop('min_tls_version', B.str(b.min_tls_version));
    if (b.max_tls_version !== null) prop('max_tls_version', B.str(b.max_tls_version));
    if (b.ssl_ciphers !== null) prop('ssl_ciphers', text('ssl_ciphers', b.ssl_ciphers));
    if (b.ssl_ca_cert !== null) prop('ssl_ca_cert', text('ssl_ca_cert', b.ssl_ca_cert));
  }
  prop('connect_timeout', B.rtime(b.connect_timeout));
  prop('first_byte_timeout', B.rtime(b.first_byte_timeout));
  prop('between_bytes_timeout', B.rtime(b.between_bytes_timeout));
  prop('max_connections', B.int(b.max_conn));
  if (b.keepalive_time !== null) prop('keepalive_time', B.rtime(b.keepalive_time));
  if (b.prefer_ipv6) prop('prefer_ipv6', B.bool(true));
  // Passive health (Fastly's error_threshold): lacquer's one backend property beyond Fastly's
  // VCL list, written only when set so generated VCL stays Fastly's otherwise (docs/vcl.md).
  if (b.error_threshold > 0) prop('error_threshold', B.int(b.error_threshold));
  if (b.override_host !== null) {
    prop('host_header', text('override_host', b.override_host));
    prop('always_use_host_header', B.bool(true));
  }
  prop('probe', probe(b, hc, problems));
  return B.backend(backendVclName(b.name), props);
}

/** The backend's `.probe`; a backend without healthcheck gets a dummy probe (always healthy). */
function probe(b: BackendRecord, hc: HealthcheckRecord | null, problems: Problems): A.ObjectValue {
  if (hc === null) return B.object([B.property('dummy', B.bool(true))]);
  const owner = `healthcheck "${hc.name}"`;
  const host = hc.host ?? b.override_host ?? b.address;
  const customNames = new Set(hc.headers.map((h) => h.slice(0, h.indexOf(':')).toLowerCase()));
  // Each request line is one literal, named by the field that could make it unprintable.
  const request: A.StringLiteral[] = [problems.text(owner, 'path', `${hc.method} ${hc.path} HTTP/${hc.http_version}`)];
  if (!customNames.has('host')) request.push(problems.text(owner, hc.host === null ? `host (from backend "${b.name}")` : 'host', `Host: ${host}`));
  request.push(...hc.headers.map((h) => problems.text(owner, 'headers', h)));
  if (!customNames.has('connection')) request.push(B.str('Connection: close'));
  if (!customNames.has('user-agent')) request.push(B.str(PROBE_USER_AGENT));
  return B.object([
    B.property('request', B.lines(request)),
    B.property('expected_response', B.int(hc.expected_response)),
    B.property('interval', B.rtime(hc.check_interval)),
    B.property('timeout', B.rtime(hc.timeout)),
    B.property('window', B.int(hc.window)),
    B.property('threshold', B.int(hc.threshold)),
    B.property('initial', B.int(hc.initial)),
  ]);
}

function member(b: BackendRecord): A.DirectorMember {
  return B.member([B.property('backend', B.ident(backendVclName(b.name))), B.property('weight', B.int(b.weight))]);
}

export function directorDeclaration(d: DirectorRecord, backends: readonly BackendRecord[]): A.DirectorDeclaration {
  const type = DIRECTOR_TYPES[d.type];
  const byName = new Map(backends.map((b) => [b.name, b]));
  const members = d.backends.map((n) => byName.get(n)).filter((b) => b !== undefined).map(member);
  const props = [B.property('quorum', B.percent(d.quorum))];
  if (type === 'random') props.push(B.property('retries', B.int(d.retries)));
  return B.director(directorVclName(d.name), type, props, members);
}

/** The director of `auto_loadbalance` backends, which serves by default when there is one. */
export function autoDirector(backends: readonly BackendRecord[]): A.DirectorDeclaration {
  return B.director(AUTO_DIRECTOR, 'random', [], backends.map(member));
}
