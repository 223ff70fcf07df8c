// What the code generator knows while it compiles one subroutine: the service-wide
// declarations (tables, ACLs, subroutines, backends) and the subroutine's own locals.
// Locals get frame slots here, at compile time; at run time each invocation of a
// subroutine allocates one array, so `var.x` is an index, never a string lookup.
import type { VclContext } from './compiled.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import type { Action } from './compiled.ts';
import type { VclTable } from '../runtime/tables.ts';
import type { VclType } from '../runtime/types.ts';
import type { VariableEnv } from './variables.ts';
import { internalError } from './diagnostics.ts';
import type { VclRegex } from '../runtime/regex/index.ts';
import { regexFor } from '../runtime/regex-cache.ts';

/** Ends a subroutine without an action: `return;`, or a typed sub's `return expr;`. */
export const RETURN = 1;
/** How a statement ended: normally (undefined), with an action, a return, or a jump. */
export type Completion = Action | typeof RETURN | GotoSignal | undefined;
export interface GotoSignal { readonly label: string }

/** A compiled subroutine: runs it in a fresh frame; a typed sub leaves its value in `out[0]`. */
export type SubFn = (ctx: VclContext, out: unknown[] | null) => Completion;

export interface SubHandle {
  readonly name: string;
  readonly returnType: VclType | null;
  /** Filled once every subroutine is compiled, so calls may refer to subs defined later. */
  fn: SubFn | null;
}

export interface CompileUnit {
  readonly env: VariableEnv;
  readonly tables: ReadonlyMap<string, VclTable>;
  readonly acls: ReadonlyMap<string, (ip: string | null) => boolean>;
  readonly subs: ReadonlyMap<string, SubHandle>;
  readonly diagnostics: Diagnostic[];
  /** The predefined variables the program reads (the edge reads the request body only for a program that reads req.body). */
  readonly reads: Set<string>;
}

export interface Local { readonly slot: number; readonly type: VclType }

export class SubScope {
  readonly unit: CompileUnit;
  readonly source: SourceFile;
  readonly name: string;
  readonly returnType: VclType | null;
  readonly locals = new Map<string, Local>();
  readonly labels: ReadonlySet<string>;
  /** Slot 0 is the return value of a typed sub. */
  slots = 1;

  constructor(unit: CompileUnit, source: SourceFile, name: string, returnType: VclType | null, labels: ReadonlySet<string>) {
    this.unit = unit;
    this.source = source;
    this.name = name;
    this.returnType = returnType;
    this.labels = labels;
  }

  /** Something the checker should have refused (compile/diagnostics.ts): a bug, reported as one. */
  internal(node: { start: number; end: number }, what: string): void {
    this.unit.diagnostics.push(internalError(this.source, node, what));
  }

  /** Declares `var.x` (function scope, as Fastly's `declare local`); redeclaring reuses the slot. */
  declare(name: string, type: VclType): Local {
    const existing = this.locals.get(name);
    if (existing !== undefined && existing.type === type) return existing;
    const local = { slot: this.slots++, type };
    this.locals.set(name, local);
    return local;
  }

  /** A compiled regex (runtime/regex-cache.ts); a string is the reason it cannot run. */
  regex(pattern: string): VclRegex | string {
    const r = regexFor(pattern);
    return r.ok ? r.regex : r.message;
  }
}
