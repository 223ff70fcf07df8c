// `include "name";` resolution. Fastly and Varnish include textually: the included file's
// declarations take the place of the include statement. Names resolve relative to the including
// file, with `.vcl` appended when absent (docs/vcl.md, Includes); a missing file or a cycle is a
// diagnostic at the include statement, and parsing goes on without it.
//
// The loader decides where text comes from: the file system for `lacquer vcl lint`, the
// service version's stored custom VCL files (by name) for the control plane.
import { posix } from 'node:path';
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { includeCycle, includeNotFound } from './diagnostics.ts';
import { parse } from './parser.ts';
import type { SourceFile } from './source.ts';

export type IncludeLoader = (path: string) => string | undefined;

export interface ParsedFile {
  /** The resolved path or stored name. */
  readonly name: string;
  readonly source: SourceFile;
  readonly ast: A.VclFile;
}

/** A declaration with the file it came from (for diagnostics with the right file and line). */
export interface SourcedDeclaration {
  readonly file: ParsedFile;
  readonly declaration: A.Declaration;
}

export interface IncludeResult {
  /** Every file parsed, entry first, then in the order their includes were reached. */
  readonly files: readonly ParsedFile[];
  /** Declarations in effect, includes expanded in place (the include statements themselves dropped). */
  readonly declarations: readonly SourcedDeclaration[];
  /** Lexer, parser and include diagnostics of all files. */
  readonly diagnostics: Diagnostic[];
}

/** `dir/of/includer` + name, `.vcl` appended unless present; absolute names stay absolute. */
export function resolveIncludePath(includer: string, name: string): string {
  const withExt = name.endsWith('.vcl') ? name : `${name}.vcl`;
  return withExt.startsWith('/') ? posix.normalize(withExt) : posix.join(posix.dirname(includer), withExt);
}

export interface IncludeOptions {
  /** Maps (including file, include name) to the key given to the loader. */
  readonly resolve?: (includer: string, name: string) => string;
}

export function parseWithIncludes(entryFile: string, loader: IncludeLoader, options: IncludeOptions = {}): IncludeResult {
  const resolve = options.resolve ?? resolveIncludePath;
  const files: ParsedFile[] = [];
  const declarations: SourcedDeclaration[] = [];
  const diagnostics: Diagnostic[] = [];

  const visit = (name: string, text: string, chain: readonly string[]): void => {
    const { ast, source, diagnostics: own } = parse(text, name);
    const file: ParsedFile = { name, source, ast };
    files.push(file);
    diagnostics.push(...own);
    for (const declaration of ast.declarations) {
      if (declaration.kind !== 'Include') {
        declarations.push({ file, declaration });
        continue;
      }
      const target = resolve(name, declaration.path.value);
      const { start, end } = declaration;
      if (target === name || chain.includes(target)) {
        diagnostics.push(includeCycle(source, start, end, [...chain, name, target]));
        continue;
      }
      const included = loader(target);
      if (included === undefined) {
        diagnostics.push(includeNotFound(source, start, end, declaration.path.value, target));
        continue;
      }
      visit(target, included, [...chain, name]);
    }
  };

  const entry = loader(entryFile);
  if (entry === undefined) {
    // Nothing to point at: report against an empty entry file.
    const { ast, source } = parse('', entryFile);
    files.push({ name: entryFile, source, ast });
    diagnostics.push(includeNotFound(source, 0, 0, entryFile, entryFile));
  } else {
    visit(entryFile, entry, []);
  }
  return { files, declarations, diagnostics };
}

/**
 * The control plane's variant: custom VCL files are stored per service version by name
 * (Fastly's `include "name";` names another uploaded VCL). A name is looked up as written,
 * then with `.vcl` appended or removed.
 */
export function parseWithIncludesFromMap(entryName: string, files: ReadonlyMap<string, string> | Readonly<Record<string, string>>): IncludeResult {
  const lookup = files instanceof Map ? (k: string) => files.get(k) : (k: string) => (Object.hasOwn(files, k) ? (files as Record<string, string>)[k] : undefined);
  const keyFor = (name: string): string => {
    if (lookup(name) !== undefined) return name;
    const alt = name.endsWith('.vcl') ? name.slice(0, -4) : `${name}.vcl`;
    return lookup(alt) !== undefined ? alt : name;
  };
  return parseWithIncludes(keyFor(entryName), lookup, { resolve: (_includer, name) => keyFor(name) });
}
