// `backend` and `director` declarations → the runtime definitions the edge and the health
// engine consume (src/model/backend.ts, src/model/director.ts), with every default applied
// and every unit normalised (durations in ms).
// Backend defaults: Fastly (https://www.fastly.com/documentation/reference/vcl/declarations/backend/).
// Probe defaults: Varnish 7.1 — bin/varnishd/cache/cache_backend_probe.c (vbp_set_defaults:
// window 8, threshold 3, interval 5 s, timeout 2 s, expected 200, initial = threshold − 1,
// clamped to threshold) and lib/libvcc/vcc_backend.c (a `.threshold` without `.window`
// gives window = threshold + 1).
import type { BackendDeclaration, DirectorDeclaration, Expression, ObjectValue, Property } from '../syntax/ast.ts';
import type { BackendDefinition, ProbeDefinition, TlsVersion } from '../../model/backend.ts';
import { BACKEND_DEFAULTS, PROBE_DEFAULTS, defaultProbeRequest } from '../../model/backend.ts';
import type { DirectorDefinition, DirectorMember, DirectorType } from '../../model/director.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import { internalError } from './diagnostics.ts';

/** The name src/model/generate.ts gives the director of `auto_loadbalance` backends (Fastly's own name). */
export const AUTO_DIRECTOR = 'autodirector_';

/** Reads typed property values; a value of the wrong shape is reported once and ignored. */
class Props {
  readonly #byName = new Map<string, Property>();
  readonly #source: SourceFile;
  readonly #diagnostics: Diagnostic[];
  readonly #owner: string;

  constructor(props: readonly Property[], owner: string, source: SourceFile, diagnostics: Diagnostic[]) {
    for (const p of props) this.#byName.set(p.name.name, p);
    this.#owner = owner;
    this.#source = source;
    this.#diagnostics = diagnostics;
  }

  has(name: string): boolean { return this.#byName.has(name); }

  #bad(p: Property, expected: string): null {
    this.#diagnostics.push(internalError(this.#source, p, `${this.#owner}: .${p.name.name}, which must be ${expected}`));
    return null;
  }

  #value(name: string): { p: Property; v: Expression } | null {
    const p = this.#byName.get(name);
    if (p === undefined) return null;
    if (p.value.kind === 'Object') return this.#bad(p, 'a value, not an object');
    return { p, v: p.value.kind === 'Group' ? p.value.expression : p.value };
  }

  /** A string, or several adjacent strings (`.request = "a" "b"`) as lines. */
  strings(name: string): string[] | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'String') return [x.v.value];
    if (x.v.kind === 'Concat' && x.v.parts.every((e) => e.kind === 'String')) return x.v.parts.map((e) => (e.kind === 'String' ? e.value : ''));
    return this.#bad(x.p, 'a string');
  }

  string(name: string): string | null {
    const s = this.strings(name);
    return s === null ? null : s.join('');
  }

  integer(name: string): number | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'Integer') return x.v.value;
    if (x.v.kind === 'String' && /^\d+$/.test(x.v.value)) return Number(x.v.value);
    return this.#bad(x.p, 'an integer');
  }

  percent(name: string): number | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'Percent' || x.v.kind === 'Integer') return x.v.value;
    return this.#bad(x.p, 'a percentage');
  }

  bool(name: string): boolean | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'Boolean') return x.v.value;
    if (x.v.kind === 'Identifier' && (x.v.name === 'true' || x.v.name === 'false')) return x.v.name === 'true';
    return this.#bad(x.p, 'true or false');
  }

  /** Milliseconds. */
  rtime(name: string): number | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'Rtime') return x.v.ms;
    return this.#bad(x.p, 'a duration such as 1s or 500ms');
  }

  word(name: string): string | null {
    const x = this.#value(name);
    if (x === null) return null;
    if (x.v.kind === 'Identifier') return x.v.name;
    if (x.v.kind === 'String') return x.v.value;
    return this.#bad(x.p, 'a name');
  }

  object(name: string): ObjectValue | null {
    const p = this.#byName.get(name);
    if (p === undefined) return null;
    if (p.value.kind !== 'Object') return this.#bad(p, 'an object { … }');
    return p.value;
  }
}

const TLS_VERSIONS: ReadonlySet<string> = new Set(['1.0', '1.1', '1.2', '1.3']);

function tls(v: string | null): TlsVersion | null {
  return v !== null && TLS_VERSIONS.has(v) ? (v as TlsVersion) : null;
}

export function compileBackend(d: BackendDeclaration, source: SourceFile, diagnostics: Diagnostic[], fallbackShareKey: string): BackendDefinition {
  const name = d.name.name;
  const p = new Props(d.properties, `backend ${name}`, source, diagnostics);
  const host = p.string('host') ?? '';
  const hostHeader = p.string('host_header');
  const probeObject = p.object('probe');
  const portText = p.string('port');
  return {
    name,
    shareKey: p.string('share_key') ?? fallbackShareKey,
    dynamic: p.bool('dynamic') ?? false,
    host,
    port: portText !== null && /^\d+$/.test(portText) ? Number(portText) : BACKEND_DEFAULTS.port,
    ssl: p.bool('ssl') ?? false,
    sslCertHostname: p.string('ssl_cert_hostname'),
    sslSniHostname: p.string('ssl_sni_hostname'),
    sslCheckCert: p.has('ssl_check_cert') ? p.word('ssl_check_cert') !== 'never' : BACKEND_DEFAULTS.sslCheckCert,
    sslCaCert: p.string('ssl_ca_cert'),
    minTlsVersion: tls(p.string('min_tls_version')),
    maxTlsVersion: tls(p.string('max_tls_version')),
    sslCiphers: p.string('ssl_ciphers'),
    connectTimeoutMs: p.rtime('connect_timeout') ?? BACKEND_DEFAULTS.connectTimeoutMs,
    firstByteTimeoutMs: p.rtime('first_byte_timeout') ?? BACKEND_DEFAULTS.firstByteTimeoutMs,
    betweenBytesTimeoutMs: p.rtime('between_bytes_timeout') ?? BACKEND_DEFAULTS.betweenBytesTimeoutMs,
    maxConnections: p.integer('max_connections') ?? BACKEND_DEFAULTS.maxConnections,
    hostHeader,
    alwaysUseHostHeader: p.bool('always_use_host_header') ?? false,
    keepaliveTimeMs: p.rtime('keepalive_time'),
    preferIpv6: p.bool('prefer_ipv6') ?? false,
    errorThreshold: p.integer('error_threshold') ?? BACKEND_DEFAULTS.errorThreshold,
    probe: probeObject === null ? null : compileProbe(probeObject, name, hostHeader ?? host, source, diagnostics),
  };
}

export function compileProbe(o: ObjectValue, backend: string, host: string, source: SourceFile, diagnostics: Diagnostic[]): ProbeDefinition {
  const p = new Props(o.properties, `backend ${backend} .probe`, source, diagnostics);
  const threshold = p.integer('threshold') ?? PROBE_DEFAULTS.threshold;
  const window = p.integer('window') ?? (p.has('threshold') ? Math.min(threshold + 1, 64) : PROBE_DEFAULTS.window);
  const dummy = p.bool('dummy') ?? false;
  // A `.dummy` probe only resolves the name (Fastly), so there is no first probe worth waiting
  // for: it starts healthy unless `.initial` says otherwise. With Varnish's threshold − 1 every
  // API backend without a healthcheck (generated as a dummy probe) answered `503 Backend is
  // unhealthy` from activation until its first lookup, up to one interval later.
  const initial = Math.min(p.integer('initial') ?? (dummy ? threshold : Math.max(threshold - 1, 0)), threshold);
  return {
    dummy,
    request: p.strings('request') ?? defaultProbeRequest(p.string('url') ?? '/', host),
    expectedResponse: p.integer('expected_response') ?? PROBE_DEFAULTS.expectedResponse,
    intervalMs: p.rtime('interval') ?? PROBE_DEFAULTS.intervalMs,
    timeoutMs: p.rtime('timeout') ?? PROBE_DEFAULTS.timeoutMs,
    window,
    threshold,
    initial,
  };
}

const DIRECTOR_TYPES: ReadonlySet<string> = new Set(['random', 'fallback', 'hash', 'client', 'chash']);

export function compileDirector(d: DirectorDeclaration, source: SourceFile, diagnostics: Diagnostic[]): DirectorDefinition | null {
  const name = d.name.name;
  const type = d.type.name;
  if (!DIRECTOR_TYPES.has(type)) {
    diagnostics.push(internalError(source, d.type, `director ${name} of type ${type}`));
    return null;
  }
  const p = new Props(d.properties, `director ${name}`, source, diagnostics);
  const members: DirectorMember[] = [];
  for (const m of d.members) {
    const mp = new Props(m.properties, `director ${name} member`, source, diagnostics);
    const backend = mp.word('backend');
    if (backend === null) continue;
    const id = mp.string('id');
    members.push({ backend, weight: mp.integer('weight') ?? 1, ...(id !== null ? { id } : {}) });
  }
  const key = p.word('key');
  const def: DirectorDefinition = {
    name,
    type: type as DirectorType,
    quorum: p.percent('quorum') ?? 0,
    // Fastly: a director tries at most as many times as it has members unless told otherwise.
    retries: p.integer('retries') ?? members.length,
    members,
    ...(p.has('seed') ? { seed: p.integer('seed') ?? 0 } : {}),
    ...(p.has('vnodes_per_node') ? { vnodesPerNode: p.integer('vnodes_per_node') ?? 256 } : {}),
    ...(key === 'object' || key === 'client' ? { key } : {}),
  };
  return def;
}
