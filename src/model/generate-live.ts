// The generated VCL of a version's snippets, dictionaries and ACLs.
//
// Dictionaries and ACLs are declared empty — `table NAME { }`, `acl NAME { }` — because their
// items and entries are versionless (DESIGN.md §1): the edge fills the declared table or ACL
// with the live items (ServiceSource.dictionaries / .acls) and replaces them in place when they
// change, without compiling the service again. The stored VCL of an active version therefore
// never changes when an item does.
//
// Snippets are VCL text their author wrote, placed where Fastly's generated VCL places them
// (https://www.fastly.com/documentation/guides/full-site-delivery/fastly-vcl/vcl-snippets/about-vcl-snippets/):
// `init` at the top level, after the declarations; every other type inside the `#FASTLY <type>`
// macro of its subroutine, after the macro's own code (so a recv snippet's `set req.backend`
// wins over the default backend); `none` nowhere by itself: it is a file named `snippet::NAME`
// that custom VCL includes at its top level with `include "snippet::NAME";`, Fastly's manual
// inclusion of a snippet. Lower priority first; lacquer orders equal
// priorities by name (byte order), so the order never depends on when they were stored.
// A dynamic snippet's place holds a marker line naming its id; expandDynamicSnippets puts the
// snippet's live content there when the service is built, validated or shown.
import type * as A from '../vcl/syntax/index.ts';
import { build as B } from '../vcl/syntax/index.ts';
import type { Phase } from '../vcl/language/index.ts';
import { vclTableName, type AclRecord, type DictionaryRecord, type SnippetRecord } from './api/index.ts';

const NO_COMMENTS: A.NodeComments = { leading: [], trailing: null };
const at = { start: 0, end: 0, comments: NO_COMMENTS } as const;

/** `table NAME { }` for each dictionary and `acl NAME { }` for each ACL; the edge fills them live. */
export function liveDeclarations(dictionaries: readonly DictionaryRecord[], acls: readonly AclRecord[]): A.Declaration[] {
  const tables: A.TableDeclaration[] = dictionaries.map((d) => ({
    kind: 'Table', name: B.ident(vclTableName(d.name)), type: null, entries: [], innerComments: [], ...at,
  }));
  const lists: A.AclDeclaration[] = acls.map((a) => ({ kind: 'Acl', name: B.ident(vclTableName(a.name)), entries: [], innerComments: [], ...at }));
  return [...tables, ...lists];
}

/** The marker line a dynamic snippet's content replaces (never inside a snippet's own text: expansion is one pass). */
const MARKER = /^[ \t]*#--LACQUER DYNAMIC SNIPPET ([A-Za-z0-9]+)[ \t]*$/;

function marker(id: string): string {
  return `#--LACQUER DYNAMIC SNIPPET ${id}`;
}

/** The lines a snippet contributes: a comment naming it (as Fastly's generated VCL has), then its content or its marker. */
function snippetLines(s: SnippetRecord): string[] {
  const head = `# Snippet ${s.name} : ${s.priority}`;
  if (s.dynamic === 1) return [head, marker(s.id ?? '')];
  return [head, ...s.content.split(/\r\n|\r|\n/)];
}

function ordered(snippets: readonly SnippetRecord[]): SnippetRecord[] {
  return [...snippets].sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The lines of the `init` snippets, in order: top-level VCL after the declarations. */
export function initSnippetLines(snippets: readonly SnippetRecord[]): string[] {
  return ordered(snippets.filter((s) => s.type === 'init')).flatMap(snippetLines);
}

/** The lines of each subroutine's snippets, in order, for the end of its `#FASTLY` macro. */
export function phaseSnippetLines(snippets: readonly SnippetRecord[]): Partial<Record<Phase, string[]>> {
  const out: Partial<Record<Phase, string[]>> = {};
  for (const s of ordered(snippets)) {
    if (s.type === 'init' || s.type === 'none') continue;
    (out[s.type] ??= []).push(...snippetLines(s));
  }
  return out;
}

/** The ids of the dynamic snippets whose markers `text` holds. */
export function dynamicSnippetIds(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = MARKER.exec(line);
    if (m !== null) ids.push(m[1]);
  }
  return ids;
}

/**
 * Replaces each dynamic snippet marker with the snippet's content (a missing one: nothing).
 * `lines` (GeneratedVcl.mainLines), when given, is kept in step: a content line is lacquer's (0).
 */
export function expandDynamicSnippets(text: string, contents: ReadonlyMap<string, string>, lines: readonly number[] | null = null):
  { text: string; lines: number[] | null } {
  const parts = text.split(/(\r\n|\r|\n)/);
  const out: string[] = [];
  const mapped: number[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i];
    const eol = parts[i + 1] ?? '';
    const m = MARKER.exec(line);
    if (m === null) {
      out.push(line, eol);
      mapped.push(lines?.[i / 2] ?? 0);
      continue;
    }
    const content = (contents.get(m[1]) ?? '').split(/\r\n|\r|\n/);
    out.push(content.join('\n'), eol);
    for (const _ of content) mapped.push(0);
  }
  return { text: out.join(''), lines: lines === null ? null : mapped };
}

/** The `none` snippets as files custom VCL may include (`include "snippet::NAME";`). */
export function snippetFiles(snippets: readonly SnippetRecord[]): { name: string; content: string; main: false }[] {
  return ordered(snippets.filter((s) => s.type === 'none')).map((s) => ({ name: `snippet::${s.name}`, content: snippetLines(s).join('\n'), main: false }));
}
