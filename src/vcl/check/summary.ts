// What a VCL program declares, across all of its files: backends (with their properties as
// plain values), directors, tables, ACLs and subroutines. The checker builds it first (every
// reference is resolved against it, wherever in the program the declaration is); the compiler
// reads it to turn backends and directors into definitions (src/vcl/compile/backends.ts owns that).
//
// Declarations keep the first of duplicate names; the checker reports the others.
import type * as A from '../syntax/ast.ts';
import type { SourceFile } from '../syntax/source.ts';
import { subroutine } from '../language/subroutines.ts';

/** One parsed file of a program: the same shape as the parser's ParseResult. */
export interface ProgramFile {
  readonly ast: A.VclFile;
  readonly source: SourceFile;
}

/** A property value reduced to plain data; `other` is an expression no property accepts. */
export type PropertyValue =
  | { readonly kind: 'string'; readonly value: string }
  /** `"a" "b" "c"`: a juxtaposition of string literals, one string per part (probe `.request`). */
  | { readonly kind: 'strings'; readonly values: readonly string[] }
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'rtime'; readonly ms: number }
  | { readonly kind: 'percent'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** A bare name: `always`, `never`, `object`, `client`, a backend name. */
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'object' }
  | { readonly kind: 'other' };

export interface Located<T> {
  readonly node: T;
  readonly source: SourceFile;
}

export interface BackendSummary extends Located<A.BackendDeclaration> {
  readonly name: string;
  /** First value of each property, by name without the dot. `probe` is in `probe`, not here. */
  readonly properties: ReadonlyMap<string, PropertyValue>;
  /** The `.probe = { … }` properties, or null when the backend has no probe object. */
  readonly probe: ReadonlyMap<string, PropertyValue> | null;
}

export interface DirectorSummary extends Located<A.DirectorDeclaration> {
  readonly name: string;
  readonly type: string;
  readonly properties: ReadonlyMap<string, PropertyValue>;
  /** Each member's properties (`backend` is a `name` value). */
  readonly members: readonly ReadonlyMap<string, PropertyValue>[];
}

/** A subroutine: its first definition, and every definition in program order. */
export interface SubSummary extends Located<A.SubDeclaration> {
  /**
   * A `vcl_*` subroutine defined more than once runs as one, its bodies concatenated in the order
   * they appear (Fastly, as Varnish: "multiple subroutines with the same name are concatenated");
   * a custom subroutine has one part (a second definition is an error).
   */
  readonly parts: readonly Located<A.SubDeclaration>[];
}

export interface ProgramSummary {
  /** In declaration order (files in the order given, includes where they were given). */
  readonly backends: ReadonlyMap<string, BackendSummary>;
  readonly directors: ReadonlyMap<string, DirectorSummary>;
  readonly tables: ReadonlyMap<string, Located<A.TableDeclaration>>;
  readonly acls: ReadonlyMap<string, Located<A.AclDeclaration>>;
  /** `ratecounter NAME { }` and `penaltybox NAME { }` (Fastly's edge rate limiting). */
  readonly ratecounters: ReadonlyMap<string, Located<A.RateLimitDeclaration>>;
  readonly penaltyboxes: ReadonlyMap<string, Located<A.RateLimitDeclaration>>;
  readonly subs: ReadonlyMap<string, SubSummary>;
  /** The backend a request uses unless vcl_recv sets one: the first backend declared (DESIGN §4.4). */
  readonly defaultBackend: string | null;
}

/** A property's value as plain data. */
export function propertyValue(value: A.Expression | A.ObjectValue): PropertyValue {
  switch (value.kind) {
    case 'String': return { kind: 'string', value: value.value };
    case 'Integer': return { kind: 'integer', value: value.value };
    case 'Float': return { kind: 'float', value: value.value };
    case 'Rtime': return { kind: 'rtime', ms: value.ms };
    case 'Percent': return { kind: 'percent', value: value.value };
    case 'Boolean': return { kind: 'bool', value: value.value };
    case 'Identifier': return { kind: 'name', value: value.name };
    case 'Object': return { kind: 'object' };
    case 'Concat':
      if (value.parts.every((p) => p.kind === 'String')) {
        return { kind: 'strings', values: value.parts.map((p) => (p as A.StringLiteral).value) };
      }
      return { kind: 'other' };
    case 'Group': return propertyValue(value.expression);
    case 'Unary':
      if (value.operator === '-' && value.operand.kind === 'Integer') return { kind: 'integer', value: -value.operand.value };
      return { kind: 'other' };
    default: return { kind: 'other' };
  }
}

/** First value per property name. */
export function propertyMap(properties: readonly A.Property[]): Map<string, PropertyValue> {
  const map = new Map<string, PropertyValue>();
  for (const p of properties) if (!map.has(p.name.name)) map.set(p.name.name, propertyValue(p.value));
  return map;
}

/**
 * What `check` and `summarize` accept: one parsed file, several (declarations in the order
 * given, `include` statements skipped), or `parseWithIncludes`'s result, whose declarations
 * are already in effect order with includes expanded in place.
 */
export type CheckInput =
  | ProgramFile
  | readonly ProgramFile[]
  | {
    readonly declarations: readonly { readonly file: { readonly source: SourceFile }; readonly declaration: A.Declaration }[];
    /** Every file, entry first: the order diagnostics are reported in. */
    readonly files?: readonly { readonly source: SourceFile }[];
  };

/** A declaration with the source it came from. */
export interface Sourced {
  readonly declaration: A.Declaration;
  readonly source: SourceFile;
}

/** The program's declarations in effect order. */
export function programDeclarations(input: CheckInput): readonly Sourced[] {
  if ('declarations' in input) return input.declarations.map((d) => ({ declaration: d.declaration, source: d.file.source }));
  const files: readonly ProgramFile[] = 'ast' in input ? [input] : input;
  return files.flatMap((f) => f.ast.declarations.filter((d) => d.kind !== 'Include').map((declaration) => ({ declaration, source: f.source })));
}

/**
 * A backend's summary. Its property maps are made on first read: the checker reads only the
 * names, and a generated service has a thousand backends of twenty properties each.
 */
class Backend implements BackendSummary {
  readonly name: string;
  readonly node: A.BackendDeclaration;
  readonly source: SourceFile;
  #properties: ReadonlyMap<string, PropertyValue> | null = null;
  #probe: ReadonlyMap<string, PropertyValue> | null | undefined = undefined;

  constructor(name: string, node: A.BackendDeclaration, source: SourceFile) {
    this.name = name;
    this.node = node;
    this.source = source;
  }

  get properties(): ReadonlyMap<string, PropertyValue> {
    return this.#properties ??= propertyMap(this.node.properties.filter((p) => p.name.name !== 'probe'));
  }

  get probe(): ReadonlyMap<string, PropertyValue> | null {
    if (this.#probe === undefined) {
      const probeProp = this.node.properties.find((p) => p.name.name === 'probe');
      this.#probe = probeProp !== undefined && probeProp.value.kind === 'Object' ? propertyMap(probeProp.value.properties) : null;
    }
    return this.#probe;
  }
}

export function summarize(input: CheckInput): ProgramSummary {
  const backends = new Map<string, BackendSummary>();
  const directors = new Map<string, DirectorSummary>();
  const tables = new Map<string, Located<A.TableDeclaration>>();
  const acls = new Map<string, Located<A.AclDeclaration>>();
  const ratecounters = new Map<string, Located<A.RateLimitDeclaration>>();
  const penaltyboxes = new Map<string, Located<A.RateLimitDeclaration>>();
  const subs = new Map<string, { node: A.SubDeclaration; source: SourceFile; parts: Located<A.SubDeclaration>[] }>();
  for (const { declaration: decl, source } of programDeclarations(input)) {
    switch (decl.kind) {
      case 'Backend': {
        const name = decl.name.name;
        if (backends.has(name) || directors.has(name)) break;
        backends.set(name, new Backend(name, decl, source));
        break;
      }
      case 'Director': {
        const name = decl.name.name;
        if (backends.has(name) || directors.has(name)) break;
        directors.set(name, {
          name, type: decl.type.name, node: decl, source,
          properties: propertyMap(decl.properties),
          members: decl.members.map((m) => propertyMap(m.properties)),
        });
        break;
      }
      case 'Table': if (!tables.has(decl.name.name)) tables.set(decl.name.name, { node: decl, source }); break;
      case 'Acl': if (!acls.has(decl.name.name)) acls.set(decl.name.name, { node: decl, source }); break;
      case 'Ratecounter': if (!ratecounters.has(decl.name.name)) ratecounters.set(decl.name.name, { node: decl, source }); break;
      case 'Penaltybox': if (!penaltyboxes.has(decl.name.name)) penaltyboxes.set(decl.name.name, { node: decl, source }); break;
      case 'Sub': {
        const first = subs.get(decl.name.name);
        if (first === undefined) subs.set(decl.name.name, { node: decl, source, parts: [{ node: decl, source }] });
        else if (subroutine(decl.name.name) !== null) first.parts.push({ node: decl, source });
        break;
      }
      default: break;
    }
  }
  const first = backends.keys().next();
  return { backends, directors, tables, acls, ratecounters, penaltyboxes, subs, defaultBackend: first.done === true ? null : first.value };
}
