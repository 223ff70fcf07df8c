// The VCL checker: a whole program (every file, includes resolved) in, diagnostics out.
// Pure and total: it never throws and never reads anything but its argument, so the CLI,
// the control API's validate endpoint and the compiler all get the same answers.
//
// Order of work: summarize the declarations (so references resolve wherever the declaration
// is), report duplicates, check each declaration, build the call graph (phases of custom
// subroutines, recursion), check each subroutine with the permissions of its phases, then
// warn about declarations nothing uses. Diagnostics come back in file order, then by offset.
import type * as A from '../syntax/ast.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import * as C from './catalogue.ts';
import { checkBackend } from './backend.ts';
import { checkDirector } from './director.ts';
import { buildCallGraph } from './calls.ts';
import { checkStatements, collectLocals } from './sub.ts';
import { checkAcl, checkTable } from './declarations.ts';
import { returnType } from './expr.ts';
import type { Scope, UseKind } from './expr.ts';
import type { VclType } from '../language/types.ts';
import { programDeclarations, summarize } from './summary.ts';
import type { CheckInput, ProgramSummary, Sourced } from './summary.ts';
import { PHASES, phaseOfSub, subroutine, SUBROUTINES } from '../language/subroutines.ts';

export interface CheckOptions {
  /** Report unused declarations (default true). */
  readonly warnUnused?: boolean;
}

export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  readonly summary: ProgramSummary;
}

type Kind = 'backend' | 'director' | 'table' | 'acl' | 'subroutine' | 'ratecounter' | 'penaltybox';

/**
 * Reports a second declaration of a name; backends and directors share one namespace.
 * The first declaration's line is looked up only when there is a duplicate to report.
 */
function reportDuplicates(decls: readonly Sourced[], out: Diagnostic[]): void {
  const spaces = {
    backend: new Map<string, Sourced>(), table: new Map<string, Sourced>(), acl: new Map<string, Sourced>(), sub: new Map<string, Sourced>(),
    ratecounter: new Map<string, Sourced>(), penaltybox: new Map<string, Sourced>(),
  };
  for (const sourced of decls) {
    const { declaration: decl, source } = sourced;
    let kind: Kind;
    let space: Map<string, Sourced>;
    switch (decl.kind) {
      case 'Backend': kind = 'backend'; space = spaces.backend; break;
      case 'Director': kind = 'director'; space = spaces.backend; break;
      case 'Table': kind = 'table'; space = spaces.table; break;
      case 'Acl': kind = 'acl'; space = spaces.acl; break;
      case 'Ratecounter': kind = 'ratecounter'; space = spaces.ratecounter; break;
      case 'Penaltybox': kind = 'penaltybox'; space = spaces.penaltybox; break;
      // A built-in subroutine may be defined many times: its bodies are concatenated (summary.ts).
      case 'Sub': if (subroutine(decl.name.name) !== null) continue; kind = 'subroutine'; space = spaces.sub; break;
      default: continue;
    }
    const name = decl.name.name;
    const prev = space.get(name);
    if (prev === undefined) { space.set(name, sourced); continue; }
    const first = prev.declaration as A.BackendDeclaration | A.DirectorDeclaration | A.TableDeclaration | A.AclDeclaration | A.SubDeclaration | A.RateLimitDeclaration;
    const at = `${prev.source.name}:${prev.source.position(first.name.start).line}`;
    const prevKind: Kind = first.kind === 'Backend' ? 'backend' : 'director';
    if (kind === 'backend') out.push(C.duplicateBackend(source, decl.name, name, prevKind, at));
    else if (kind === 'director') out.push(C.duplicateDirector(source, decl.name, name, prevKind, at));
    else out.push(C.duplicateDeclaration(source, decl.name, kind, name, at));
  }
}

/** Checks a whole program and also returns what it declares. */
export function checkProgram(input: CheckInput, opts: CheckOptions = {}): CheckResult {
  const decls = programDeclarations(input);
  const summary = summarize(input);
  const out: Diagnostic[] = [];
  const used: Record<UseKind, Set<string>> = { backend: new Set(), acl: new Set(), table: new Set() };
  const use = (kind: UseKind, name: string): void => { used[kind].add(name); };
  const isBackend = (name: string): boolean => summary.backends.has(name);
  const isBackendOrDirector = (name: string): boolean => summary.backends.has(name) || summary.directors.has(name);
  // The first backend is the default one (DESIGN §4.4), so it is used even if nothing names it.
  if (summary.defaultBackend !== null) use('backend', summary.defaultBackend);

  reportDuplicates(decls, out);
  for (const { declaration: decl, source } of decls) {
    if (decl.kind === 'Backend') checkBackend(decl, source, out);
    else if (decl.kind === 'Director') checkDirector(decl, source, out, isBackend, (n) => use('backend', n));
    else if (decl.kind === 'Table') checkTable(decl, source, out, isBackendOrDirector, (n) => use('backend', n));
    else if (decl.kind === 'Acl') checkAcl(decl, source, out);
    else if (decl.kind === 'Sub') {
      if (decl.name.name.startsWith('vcl_') && subroutine(decl.name.name) === null) {
        out.push(C.reservedSubName(source, decl.name, decl.name.name, SUBROUTINES.map((s) => s.name)));
      }
      if (decl.returnType !== null && returnType(decl) === null) out.push(C.returnTypeUnknown(source, decl.returnType, decl.name.name, decl.returnType.name));
    }
  }

  const graph = buildCallGraph(summary.subs, out);
  for (const [name, { node, parts }] of summary.subs) {
    // The parts of a concatenated subroutine share one body, so one set of locals.
    const locals = new Map<string, VclType>();
    for (const part of parts) collectLocals(part.node.body, part.source, out, locals);
    const phases = PHASES.filter((p) => graph.phases.get(name)?.has(p) === true);
    for (const part of parts) {
      const scope: Scope = { src: part.source, summary, out, use, subName: name, phases, locals };
      checkStatements(scope, part.node.body.statements, node.returnType !== null);
    }
  }

  if (opts.warnUnused !== false) {
    for (const b of summary.backends.values()) if (!used.backend.has(b.name)) out.push(C.unused(b.source, b.node.name, 'backend', b.name));
    for (const d of summary.directors.values()) if (!used.backend.has(d.name)) out.push(C.unused(d.source, d.node.name, 'director', d.name));
    for (const [name, t] of summary.tables) if (!used.table.has(name)) out.push(C.unused(t.source, t.node.name, 'table', name));
    for (const [name, a] of summary.acls) if (!used.acl.has(name)) out.push(C.unused(a.source, a.node.name, 'acl', name));
    for (const [name, s] of summary.subs) {
      if (phaseOfSub(name) === null && !name.startsWith('vcl_') && !graph.called.has(name)) out.push(C.unused(s.source, s.node.name, 'subroutine', name));
    }
  }

  const order = new Map<string, number>();
  const fileList = 'declarations' in input && input.files !== undefined ? input.files : [];
  for (const { source } of [...fileList, ...decls]) if (!order.has(source.name)) order.set(source.name, order.size);
  out.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.start - b.start || a.code.localeCompare(b.code));
  return { diagnostics: out, summary };
}

/** The diagnostics of a whole program (DESIGN.md §4.3). Never throws. */
export function check(input: CheckInput, opts: CheckOptions = {}): Diagnostic[] {
  return checkProgram(input, opts).diagnostics;
}

export { summarize } from './summary.ts';
export type { CheckInput, ProgramFile, ProgramSummary, BackendSummary, DirectorSummary, PropertyValue, Located } from './summary.ts';
export { checkCatalogue } from './catalogue.ts';
export type { CheckCode } from './catalogue.ts';
