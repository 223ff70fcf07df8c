// A small in-memory VclContext for compiler tests (the edge provides the real one).
import assert from 'node:assert/strict';
import type { CompiledService, HeaderBag, ServiceSource, VclBackendResponse, VclContext, VclObject, VclRequest, VclResponse } from '../../../src/vcl/compile/compiled.ts';
import { compileDeclarations, compileService } from '../../../src/vcl/compile/compile.ts';
import { parseWithIncludesFromMap } from '../../../src/vcl/syntax/include.ts';
import type { Diagnostic } from '../../../src/vcl/syntax/diagnostics.ts';
import type { CompileOptions, CompileResult } from '../../../src/vcl/compile/compile.ts';
import type { Phase } from '../../../src/vcl/language/subroutines.ts';
import { ABSENT_GEO, INVALID_GEO } from '../../../src/vcl/runtime/geo.ts';
import type { GeoLookup } from '../../../src/vcl/runtime/geo.ts';
import { PenaltyBox, RateCounter } from '../../../src/vcl/runtime/ratelimit/index.ts';
import type { VclRateLimit } from '../../../src/vcl/runtime/ratelimit/index.ts';
import { isIP } from 'node:net';

/** Case-insensitive headers; `add` keeps several lines, `get` joins them with ", " (RFC 9110 §5.3). */
export class MemoryHeaders implements HeaderBag {
  // Joined value per lowercased name; `#lines` only for names that were `add`ed to.
  readonly #values = new Map<string, string>();
  readonly #lines = new Map<string, string[]>();
  constructor(init: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(init)) this.set(k, v);
  }
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: string): void {
    const k = name.toLowerCase();
    this.#values.set(k, value);
    this.#lines.delete(k);
  }
  add(name: string, value: string): void {
    const k = name.toLowerCase();
    const lines = [...this.lines(k), value];
    this.#lines.set(k, lines);
    this.#values.set(k, lines.join(', '));
  }
  unset(name: string): void {
    const k = name.toLowerCase();
    this.#values.delete(k);
    this.#lines.delete(k);
  }
  lines(name: string): readonly string[] {
    const k = name.toLowerCase();
    const v = this.#values.get(k);
    return v === undefined ? [] : (this.#lines.get(k) ?? [v]);
  }
  toJSON(): Record<string, string> { return Object.fromEntries(this.#values); }
}

export interface TestContext extends VclContext {
  readonly req: VclRequest & { backend: string | null; restarts: number; http: MemoryHeaders };
  readonly logs: string[];
  readonly health: Map<string, boolean>;
}

export interface ContextInit {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  clientIp?: string;
  healthy?: Record<string, boolean>;
  staleExists?: boolean;
  /** Geolocation of an address (default: nothing known of any). */
  geo?: GeoLookup;
  /** Counters and boxes to share between contexts (default: fresh ones per context). */
  rateLimit?: RateLimitStore;
}

/** Rate counters and penalty boxes by name, shared by the contexts a test makes. */
export class RateLimitStore {
  readonly counters = new Map<string, RateCounter>();
  readonly boxes = new Map<string, PenaltyBox>();
  view(): VclRateLimit {
    const last = new Map<string, string>();
    return {
      counter: (n) => { let c = this.counters.get(n); if (c === undefined) { c = new RateCounter(); this.counters.set(n, c); } return c; },
      penaltyBox: (n) => { let b = this.boxes.get(n); if (b === undefined) { b = new PenaltyBox(); this.boxes.set(n, b); } return b; },
      remember: (c, e) => { last.set(c, e); },
      lastEntry: (c) => last.get(c),
    };
  }
}

export function makeContext(init: ContextInit = {}): TestContext {
  const logs: string[] = [];
  const health = new Map(Object.entries(init.healthy ?? {}));
  return {
    clientIp: init.clientIp ?? '192.0.2.10',
    server: { hostname: 'edge-1', identity: 'edge-1-id', ip: '127.0.0.1', port: 8080, pop: 'test-pop' },
    req: { method: init.method ?? 'GET', url: init.url ?? '/', proto: 'HTTP/1.1', http: new MemoryHeaders(init.headers), backend: null, restarts: 0 },
    bereq: null,
    beresp: null,
    obj: null,
    resp: null,
    syntheticBody: null,
    clientIdentity: null,
    startTime: Date.now(),
    fastlyError: null,
    fastlyInfoState: 'RECV',
    staleExists: init.staleExists ?? false,
    reGroups: [],
    hashData: [],
    logs,
    health,
    isHealthy: (name) => health.get(name) ?? true,
    log: (m) => { logs.push(m); },
    newHeaders: () => new MemoryHeaders(),
    rateLimit: (init.rateLimit ?? new RateLimitStore()).view(),
    geoIpOverride: null,
    geo() {
      const ip = this.geoIpOverride ?? this.clientIp;
      return isIP(ip) === 0 ? INVALID_GEO : init.geo?.(ip) ?? ABSENT_GEO;
    },
  };
}

export function bereq(ctx: VclContext, url = ctx.req.url): VclRequest {
  ctx.bereq = { method: ctx.req.method, url, proto: 'HTTP/1.1', http: new MemoryHeaders() };
  return ctx.bereq;
}

export function beresp(ctx: VclContext, status = 200, headers: Record<string, string> = {}): VclBackendResponse {
  ctx.beresp = { status, response: 'OK', http: new MemoryHeaders(headers), ttl: 3600, grace: 0, staleIfError: 0, staleWhileRevalidate: 0, cacheable: true };
  return ctx.beresp;
}

export function resp(ctx: VclContext, status = 200, headers: Record<string, string> = {}): VclResponse {
  ctx.resp = { status, response: 'OK', http: new MemoryHeaders(headers) };
  return ctx.resp;
}

export function obj(ctx: VclContext, status = 200): VclObject {
  ctx.obj = { status, response: 'OK', http: new MemoryHeaders(), ttl: 100, hits: 2, age: 5 };
  return ctx.obj;
}

export function source(files: Record<string, string> | string, main = 'main.vcl'): ServiceSource {
  const map = typeof files === 'string' ? { [main]: files } : files;
  return {
    serviceId: 'svc1', version: 1, domains: ['www.example.com'],
    settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 },
    main, files: Object.entries(map).map(([name, content]) => ({ name, content })),
  };
}

/** Compiles VCL text (or several named files) and fails the test with the diagnostics if it does not compile. */
export function compileVcl(files: Record<string, string> | string, opts?: CompileOptions): CompiledService {
  const r = compileService(source(files), opts);
  assert.ok(r.service, `expected the VCL to compile:\n${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
  return r.service;
}

/** Compiles and returns the diagnostics as "line:col code" strings (expecting a refusal). */
export function compileErrors(files: Record<string, string> | string): string[] {
  const r: CompileResult = compileService(source(files));
  assert.equal(r.service, null, 'expected the compiler to refuse this VCL');
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code}`);
}

/**
 * Parses and compiles without the checker, to test the compiler's own guards (what the
 * checker would have refused first). Returns the compile diagnostics as "line:col code".
 */
export function compileUnchecked(text: string): { service: CompiledService; errors: string[]; diagnostics: Diagnostic[] } {
  const parsed = parseWithIncludesFromMap('main.vcl', { 'main.vcl': text });
  assert.deepEqual(parsed.diagnostics, [], 'expected the VCL to parse');
  const diagnostics: Diagnostic[] = [];
  const service = compileDeclarations(source(text), parsed.declarations.map((d) => ({ declaration: d.declaration, source: d.file.source })), diagnostics);
  return { service, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code}`) };
}

/** A context in which every object a phase may use exists (bereq in miss/pass/fetch, obj, resp …). */
export function contextFor(phase: Phase): TestContext {
  const ctx = makeContext();
  if (phase === 'miss' || phase === 'pass' || phase === 'fetch') bereq(ctx);
  if (phase === 'fetch') beresp(ctx);
  if (phase === 'hit' || phase === 'error' || phase === 'deliver' || phase === 'log') obj(ctx);
  if (phase === 'deliver' || phase === 'log') resp(ctx);
  return ctx;
}

/** Backend properties Fastly requires of every VCL-declared backend. */
export const REQUIRED = '.dynamic = true; .share_key = "k";';

export const BACKEND = `backend F_origin { .host = "127.0.0.1"; .port = "8080"; .dynamic = true; .share_key = "k"; }\n`;
