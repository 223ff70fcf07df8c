// The VCL compiler's entry: a ServiceSource (the files activation hands to every POP) →
// a CompiledService, built once per activation and immutable afterwards (compiled.ts).
// Pipeline: parse every file with includes resolved from `source.files` → check the whole
// program → refuse on any error → turn backend/director declarations into definitions
// (backends.ts) → compile the subroutines into closures (./program.ts).
// No user text is ever evaluated with eval/new Function: the output is closures only.
import type { BackendDefinition } from '../../model/backend.ts';
import type { DirectorDefinition } from '../../model/director.ts';
import type { CompiledService, ServiceSource } from './compiled.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import { parseWithIncludesFromMap } from '../syntax/include.ts';
import { check } from '../check/check.ts';
import { AUTO_DIRECTOR, compileBackend, compileDirector } from './backends.ts';
import { compileProgram } from './program.ts';
import { replaceTable } from '../runtime/live.ts';
import type { ProgramDeclaration } from './program.ts';

export interface CompileOptions {
  /** share_key of a backend that declares none; defaults to the service id (Fastly's API default). */
  readonly defaultShareKey?: string;
}

export interface CompileResult {
  readonly service: CompiledService | null;
  readonly diagnostics: Diagnostic[];
}

const hasError = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

export function compileService(source: ServiceSource, opts: CompileOptions = {}): CompileResult {
  const files = new Map(source.files.map((f) => [f.name, f.content]));
  const parsed = parseWithIncludesFromMap(source.main, files);
  const diagnostics = [...parsed.diagnostics];
  if (hasError(diagnostics)) return { service: null, diagnostics };
  diagnostics.push(...check({ declarations: parsed.declarations, files: parsed.files }));
  if (hasError(diagnostics)) return { service: null, diagnostics };
  const declarations: ProgramDeclaration[] = parsed.declarations.map((d) => ({ declaration: d.declaration, source: d.file.source }));
  const service = compileDeclarations(source, declarations, diagnostics, opts);
  if (!hasError(diagnostics)) fillLiveData(service, source, diagnostics);
  return { service: hasError(diagnostics) ? null : service, diagnostics };
}

/** Compiles already parsed (and checked) declarations; problems are appended to `diagnostics`. */
export function compileDeclarations(
  source: Pick<ServiceSource, 'serviceId' | 'version' | 'domains' | 'settings' | 'shields'>,
  declarations: readonly ProgramDeclaration[],
  diagnostics: Diagnostic[],
  opts: CompileOptions = {},
): CompiledService {
  const shareKey = opts.defaultShareKey ?? source.serviceId;
  const backends = new Map<string, BackendDefinition>();
  const directors = new Map<string, DirectorDefinition>();
  for (const { declaration: d, source: src } of declarations) {
    if (d.kind === 'Backend') backends.set(d.name.name, compileBackend(d, src, diagnostics, shareKey));
    else if (d.kind === 'Director') {
      const def = compileDirector(d, src, diagnostics);
      if (def !== null) directors.set(d.name.name, def);
    }
  }
  const defaultBackend = directors.has(AUTO_DIRECTOR) ? AUTO_DIRECTOR : (backends.keys().next().value ?? null);
  const env = { defaultBackend, backends: new Set([...backends.keys(), ...directors.keys()]), serviceId: source.serviceId, version: source.version };
  const program = compileProgram(declarations, env, diagnostics);
  return Object.freeze({
    serviceId: source.serviceId,
    version: source.version,
    domains: Object.freeze([...source.domains]),
    backends,
    directors,
    defaultBackend,
    settings: Object.freeze({ ...source.settings }),
    shields: new Map(Object.entries(source.shields ?? {})),
    run: program.run,
    live: program.live,
    readsRequestBody: program.readsRequestBody,
  });
}

/**
 * Fills the tables and ACLs the API's dictionaries and ACLs declare with their live items and
 * entries. The control plane validated every entry when it was stored; one that still does not
 * parse is an error here, so the edge keeps the service it runs (DESIGN.md §1).
 */
function fillLiveData(service: CompiledService, source: ServiceSource, diagnostics: Diagnostic[]): void {
  const live = service.live;
  if (live === undefined) return;
  const file = source.main;
  const problem = (message: string): void => {
    diagnostics.push({ code: 'live/invalid', severity: 'error', file, line: 1, col: 1, start: 0, end: 0, message });
  };
  for (const d of source.dictionaries ?? []) {
    if (!replaceTable(live, d.name, d.items)) problem(`dictionary ${d.name} has no table declared for it`);
  }
  for (const a of source.acls ?? []) {
    const acl = live.acls.get(a.name);
    const error = acl === undefined ? `acl ${a.name} is not declared` : acl.replace(a.entries);
    if (error !== null) problem(`acl ${a.name}: ${error}`);
  }
}
