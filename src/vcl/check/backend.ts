// Checks of `backend NAME { … }` declarations and their `.probe = { … }` objects.
//
// Properties and their types are those of Fastly's backend declaration
// (https://www.fastly.com/documentation/reference/vcl/declarations/backend/): `.port` is a
// STRING, timeouts are RTIMEs, `.ssl_check_cert` is `always` or `never`. Backends declared in
// VCL must be dynamic and carry a share key ("Backends defined in VCL … must set .dynamic = true
// and .share_key"); lacquer applies the rule to every backend, generated ones included, which
// src/model/generate.ts satisfies. Probe bounds are Varnish's (bin/varnishd/cache/
// cache_backend_probe.c keeps a 64-bit window; vcc_backend.c rejects threshold > window).
import type * as A from '../syntax/ast.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import * as C from './catalogue.ts';
import { propertyValue } from './summary.ts';
import type { PropertyValue } from './summary.ts';

/** What a property accepts. */
export type PropertyKind = 'STRING' | 'INTEGER' | 'BOOL' | 'RTIME' | 'always|never' | 'object|client' | 'PERCENT' | 'BACKEND';

export const BACKEND_PROPERTIES: Readonly<Record<string, PropertyKind | 'probe'>> = {
  dynamic: 'BOOL', share_key: 'STRING', host: 'STRING', port: 'STRING',
  ssl: 'BOOL', ssl_cert_hostname: 'STRING', ssl_sni_hostname: 'STRING', ssl_check_cert: 'always|never',
  min_tls_version: 'STRING', max_tls_version: 'STRING', ssl_ciphers: 'STRING', ssl_ca_cert: 'STRING',
  ssl_client_cert: 'STRING', ssl_client_key: 'STRING',
  connect_timeout: 'RTIME', first_byte_timeout: 'RTIME', between_bytes_timeout: 'RTIME',
  max_connections: 'INTEGER', host_header: 'STRING', always_use_host_header: 'BOOL',
  keepalive_time: 'RTIME', prefer_ipv6: 'BOOL', probe: 'probe',
  // A "protected property" of Fastly's backend declaration, which Fastly's generated VCL sets: a
  // route that skips the POP's local route table. lacquer's edge has only the host's routes, so
  // either value routes the same way, and the compiler has nothing to read.
  bypass_local_route_table: 'BOOL',
  // Fastly's API backend field (passive health), which Fastly's VCL has no spelling for; the
  // compiler reads it (src/vcl/compile/backends.ts) but the checker refused it, so it could never be set.
  error_threshold: 'INTEGER',
};

export const PROBE_PROPERTIES: Readonly<Record<string, PropertyKind>> = {
  dummy: 'BOOL', request: 'STRING', url: 'STRING', expected_response: 'INTEGER',
  interval: 'RTIME', timeout: 'RTIME', window: 'INTEGER', threshold: 'INTEGER', initial: 'INTEGER',
};

/** The threshold a probe uses when it gives none (Varnish and Fastly: 3). */
const DEFAULT_THRESHOLD = 3;

const BACKEND_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHARE_KEY = /^[A-Za-z0-9_]+$/;

/** How a value reads in a message: its type, or the name written. */
export function describeValue(v: PropertyValue): string {
  switch (v.kind) {
    case 'string': case 'strings': return 'a STRING';
    case 'integer': return 'an INTEGER';
    case 'float': return 'a FLOAT';
    case 'rtime': return 'an RTIME';
    case 'percent': return 'a percentage';
    case 'bool': return 'a BOOL';
    case 'name': return v.value;
    case 'object': return 'an object';
    case 'other': return 'an expression';
  }
}

/** Whether a value fits a property kind. */
export function fits(kind: PropertyKind, v: PropertyValue): boolean {
  switch (kind) {
    case 'STRING': return v.kind === 'string' || v.kind === 'strings';
    case 'INTEGER': return v.kind === 'integer';
    case 'BOOL': return v.kind === 'bool';
    case 'RTIME': return v.kind === 'rtime';
    case 'PERCENT': return v.kind === 'percent';
    case 'always|never': return v.kind === 'name' && (v.value === 'always' || v.value === 'never');
    case 'object|client': return v.kind === 'name' && (v.value === 'object' || v.value === 'client');
    case 'BACKEND': return v.kind === 'name';
  }
}

export function expectedText(kind: PropertyKind): string {
  switch (kind) {
    case 'STRING': return 'a STRING ("…")';
    case 'INTEGER': return 'an INTEGER';
    case 'BOOL': return 'true or false';
    case 'RTIME': return 'an RTIME (e.g. 10s)';
    case 'PERCENT': return 'a percentage (e.g. 50%)';
    case 'always|never': return 'always or never';
    case 'object|client': return 'object or client';
    case 'BACKEND': return 'a backend name';
  }
}

/**
 * The first occurrence of each property name of one block, in source order. A block has a
 * handful of properties, so lookups scan the list (cheaper than a Map per backend and per
 * probe, which the 1,000-backend bench/micro/vcl/parse.bench.ts made a visible cost); past 16 names an
 * index keeps lookups constant-time.
 */
export class FirstProperties {
  readonly #list: A.Property[] = [];
  #index: Map<string, A.Property> | null = null;

  get(name: string): A.Property | undefined {
    if (this.#index !== null) return this.#index.get(name);
    for (const p of this.#list) if (p.name.name === name) return p;
    return undefined;
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  /** In source order. */
  values(): readonly A.Property[] {
    return this.#list;
  }
  add(p: A.Property): void {
    this.#list.push(p);
    if (this.#index !== null) this.#index.set(p.name.name, p);
    else if (this.#list.length > 16) this.#index = new Map(this.#list.map((q) => [q.name.name, q]));
  }
}

/** Reports properties given twice; returns the first occurrence of each. */
export function firstProperties(
  src: SourceFile, props: readonly A.Property[], out: Diagnostic[],
  dup: (s: SourceFile, at: C.Ranged, name: string, line: number) => Diagnostic,
): FirstProperties {
  const seen = new FirstProperties();
  for (const p of props) {
    const first = seen.get(p.name.name);
    if (first === undefined) seen.add(p);
    else out.push(dup(src, p.name, p.name.name, src.position(first.start).line));
  }
  return seen;
}

/**
 * Whether a property's value fits a kind: `fits(kind, propertyValue(node))` without making
 * the PropertyValue (the checker asks this of every property of every backend).
 */
export function fitsValue(kind: PropertyKind, node: A.Expression | A.ObjectValue): boolean {
  let v = node;
  while (v.kind === 'Group') v = v.expression;
  switch (v.kind) {
    case 'String': return kind === 'STRING';
    case 'Integer': return kind === 'INTEGER';
    case 'Rtime': return kind === 'RTIME';
    case 'Percent': return kind === 'PERCENT';
    case 'Boolean': return kind === 'BOOL';
    case 'Identifier':
      if (kind === 'always|never') return v.name === 'always' || v.name === 'never';
      if (kind === 'object|client') return v.name === 'object' || v.name === 'client';
      return kind === 'BACKEND';
    case 'Concat': return kind === 'STRING' && v.parts.every((p) => p.kind === 'String');
    case 'Unary': return kind === 'INTEGER' && v.operator === '-' && v.operand.kind === 'Integer';
    default: return false;
  }
}

export function checkBackend(decl: A.BackendDeclaration, src: SourceFile, out: Diagnostic[]): void {
  const name = decl.name.name;
  if (!BACKEND_NAME.test(name)) out.push(C.invalidBackendName(src, decl.name, name));
  const props = firstProperties(src, decl.properties, out, C.duplicateBackendProperty);
  for (const p of props.values()) {
    const kind = BACKEND_PROPERTIES[p.name.name];
    // DESIGN.md §4.4: shielding is an API backend's `shield` field (src/edge/fleet/shield.ts).
    if (p.name.name === 'shield') { out.push(C.shieldedVclBackend(src, p.name)); continue; }
    if (kind === undefined) { out.push(C.unknownBackendProperty(src, p.name, p.name.name)); continue; }
    if (kind === 'probe') {
      if (p.value.kind === 'Object') checkProbe(p.value, src, out);
      else out.push(C.backendWrongType(src, p.value, 'probe', 'an object { … }', describeValue(propertyValue(p.value))));
      continue;
    }
    if (p.value.kind === 'Object') out.push(C.backendObjectValue(src, p.value, p.name.name));
    else if (!fitsValue(kind, p.value)) out.push(C.backendWrongType(src, p.value, p.name.name, expectedText(kind), describeValue(propertyValue(p.value))));
  }
  if (!props.has('host')) out.push(C.missingHost(src, decl.name, name));
  const dynamic = props.get('dynamic');
  if (dynamic === undefined || !(dynamic.value.kind === 'Boolean' && dynamic.value.value)) {
    out.push(C.notDynamic(src, dynamic?.value ?? decl.name, name));
  }
  const shareKey = props.get('share_key');
  if (shareKey === undefined) out.push(C.missingShareKey(src, decl.name, name));
  else if (shareKey.value.kind === 'String' && !SHARE_KEY.test(shareKey.value.value)) {
    out.push(C.invalidShareKey(src, shareKey.value, shareKey.value.value));
  }
}

/** The INTEGER a property gives (as propertyValue reads it), else null. */
function integerOf(p: A.Property | undefined): number | null {
  if (p === undefined) return null;
  let v = p.value;
  while (v.kind === 'Group') v = v.expression;
  if (v.kind === 'Integer') return v.value;
  if (v.kind === 'Unary' && v.operator === '-' && v.operand.kind === 'Integer') return -v.operand.value;
  return null;
}

export function checkProbe(probe: A.ObjectValue, src: SourceFile, out: Diagnostic[]): void {
  const props = firstProperties(src, probe.properties, out, C.duplicateProbeProperty);
  for (const p of props.values()) {
    const kind = PROBE_PROPERTIES[p.name.name];
    if (kind === undefined) { out.push(C.unknownProbeProperty(src, p.name, p.name.name)); continue; }
    if (!fitsValue(kind, p.value)) out.push(C.probeWrongType(src, p.value, p.name.name, expectedText(kind), describeValue(propertyValue(p.value))));
  }
  const window = integerOf(props.get('window'));
  const threshold = integerOf(props.get('threshold'));
  const initial = integerOf(props.get('initial'));
  if (window !== null && (window < 1 || window > 64)) out.push(C.windowRange(src, props.get('window')!.value, window));
  const windowOk = window !== null && window >= 1 && window <= 64;
  if (windowOk) {
    const t = threshold ?? DEFAULT_THRESHOLD;
    if (t > window) out.push(C.thresholdExceedsWindow(src, (props.get('threshold') ?? props.get('window'))!.value, t, window));
    if (initial !== null && initial > window) out.push(C.initialExceedsWindow(src, props.get('initial')!.value, initial, window));
  }
  // `.initial = threshold - 1` is the default (Varnish, Fastly's API: initial 2, threshold 3):
  // the first good probe makes the backend healthy. Only a lower value is likely a mistake.
  if (initial !== null && initial < (threshold ?? DEFAULT_THRESHOLD) - 1 && (window === null || initial <= window)) {
    out.push(C.startsSick(src, props.get('initial')!.value, initial, threshold ?? DEFAULT_THRESHOLD));
  }
  const expected = integerOf(props.get('expected_response'));
  if (expected !== null && (expected < 100 || expected > 999)) {
    out.push(C.expectedResponseRange(src, props.get('expected_response')!.value, expected));
  }
  const request = props.get('request');
  if (request !== undefined && props.has('url')) out.push(C.urlAndRequest(src, request.name));
  if (request !== undefined) {
    const parts = request.value.kind === 'Concat' ? request.value.parts : [request.value];
    for (const part of parts) {
      if (part.kind === 'String' && /[\r\n]/.test(part.value)) out.push(C.requestLineBreak(src, part));
    }
  }
}
