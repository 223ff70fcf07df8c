// Tables and ACLs whose contents change while the service runs: a dictionary's items and an
// ACL's entries are versionless (DESIGN.md §1), so the edge replaces them in place in the
// CompiledService that is running, without compiling it again. What may change is only the
// contents, and always whole: `VclTable.entries` is replaced by a new map, a LiveAcl's matcher
// by a new one, in one assignment each, between two requests' steps (the edge worker applies
// them from its message loop). Every call site reads the current contents when it runs
// (language/functions/misc.ts for table.*, compile/expr.ts for `~`), never a copy taken at
// compile time.
import { compileAcl, type AclEntrySpec } from './acl.ts';
import type { VclTable } from './tables.ts';

/** A dictionary as the control plane hands it to the edge: its id, its VCL name and its items. */
export interface LiveTableSource {
  readonly id: string;
  readonly name: string;
  readonly items: readonly (readonly [string, string])[];
}

/** An ACL as the control plane hands it to the edge: its id, its VCL name and its entries. */
export interface LiveAclSource {
  readonly id: string;
  readonly name: string;
  readonly entries: readonly AclEntrySpec[];
}

/** An ACL of a compiled service; `match` always asks its current entries. */
export class LiveAcl {
  #match: (ip: string | null) => boolean;

  constructor(match: (ip: string | null) => boolean) {
    this.#match = match;
  }

  readonly match = (ip: string | null): boolean => this.#match(ip);

  /** Replaces every entry; an entry that does not parse leaves the ACL as it was and is returned as the error. */
  replace(entries: readonly AclEntrySpec[]): string | null {
    const compiled = compileAcl(entries);
    if ('error' in compiled) return compiled.error;
    this.#match = compiled.match;
    return null;
  }
}

/** The tables and ACLs of a compiled service, by VCL name, whose contents may be replaced live. */
export interface LiveData {
  readonly tables: ReadonlyMap<string, VclTable>;
  readonly acls: ReadonlyMap<string, LiveAcl>;
}

/** Replaces a table's entries by `items` (a dictionary's: STRING values). False when the service declares no such table. */
export function replaceTable(live: LiveData, name: string, items: LiveTableSource['items']): boolean {
  const table = live.tables.get(name);
  if (table === undefined) return false;
  table.entries = new Map(items);
  return true;
}
