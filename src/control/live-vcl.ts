// What a version runs once its versionless parts are added (DESIGN.md §1): the stored (or
// generated) VCL with each dynamic snippet's live content in its place, and the live items
// and entries of its dictionaries and ACLs, which the edge fills its declared tables and ACLs
// with. Activation stores the VCL with the snippets' markers (src/model/generate-live.ts), so
// the stored text never changes; this is applied every time the version is built, validated
// or shown.
import { acl, dictionary, snippet, typedRecord, vclTableName, type SnippetRecord } from '../model/api/index.ts';
import { dynamicSnippetIds, expandDynamicSnippets } from '../model/generate-live.ts';
import type { VclFile } from '../model/generate.ts';
import type { StoreTx } from '../store/index.ts';
import type { LiveAclSource, LiveTableSource } from '../vcl/index.ts';
import type { VersionVcl } from './version-vcl.ts';

/**
 * `vcl` with every dynamic snippet marker replaced by the snippet's content; `override` gives
 * one snippet's content instead of the stored one (a content being checked before it is stored).
 */
export async function withDynamicSnippets(tx: StoreTx, serviceId: string, vcl: VersionVcl,
  override: { readonly snippetId: string; readonly content: string } | null = null): Promise<VersionVcl> {
  const ids = new Set(vcl.files.flatMap((f) => dynamicSnippetIds(f.content)));
  if (ids.size === 0) return vcl;
  const contents = new Map<string, string>();
  for (const id of ids) {
    if (override?.snippetId === id) contents.set(id, override.content);
    else contents.set(id, (await tx.getDynamicSnippet(serviceId, id))?.content ?? '');
  }
  let mainLines = vcl.mainLines;
  const files: VclFile[] = vcl.files.map((f, i) => {
    const expanded = expandDynamicSnippets(f.content, contents, i === 0 ? mainLines : null);
    if (i === 0) mainLines = expanded.lines;
    return { ...f, content: expanded.text };
  });
  return { ...vcl, files, mainLines };
}

/** The version's dictionaries with their live items, by VCL name. */
export async function liveTables(tx: StoreTx, serviceId: string, version: number): Promise<LiveTableSource[]> {
  const out: LiveTableSource[] = [];
  for (const row of await tx.listObjects(serviceId, version, 'dictionary')) {
    const d = typedRecord(dictionary, row.data);
    if (d.id === null) continue;
    out.push({ id: d.id, name: vclTableName(d.name), items: await dictionaryItems(tx, serviceId, d.id) });
  }
  return out;
}

export async function dictionaryItems(tx: StoreTx, serviceId: string, dictionaryId: string): Promise<[string, string][]> {
  return (await tx.listDictionaryItems(serviceId, dictionaryId)).map((i) => [i.key, i.value]);
}

/** The version's ACLs with their live entries, by VCL name. */
export async function liveAcls(tx: StoreTx, serviceId: string, version: number): Promise<LiveAclSource[]> {
  const out: LiveAclSource[] = [];
  for (const row of await tx.listObjects(serviceId, version, 'acl')) {
    const a = typedRecord(acl, row.data);
    if (a.id === null) continue;
    out.push({ id: a.id, name: vclTableName(a.name), entries: await aclEntries(tx, serviceId, a.id) });
  }
  return out;
}

export async function aclEntries(tx: StoreTx, serviceId: string, aclId: string): Promise<LiveAclSource['entries']> {
  return (await tx.listAclEntries(serviceId, aclId)).map((e) => ({ address: e.ip, mask: e.subnet, negated: e.negated }));
}

export interface FoundSnippet {
  readonly version: number;
  readonly record: SnippetRecord;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The snippet with this id in `prefer` (the active version), else in the newest version holding it. */
export async function findSnippet(tx: StoreTx, serviceId: string, snippetId: string, prefer: number | null = null):
  Promise<FoundSnippet | null> {
  const versions = (await tx.listVersions(serviceId)).map((v) => v.number).reverse();
  const order = prefer === null ? versions : [prefer, ...versions.filter((v) => v !== prefer)];
  for (const v of order) {
    for (const row of await tx.listObjects(serviceId, v, 'snippet')) {
      if (row.data.id === snippetId) return { version: v, record: typedRecord(snippet, row.data), createdAt: row.createdAt, updatedAt: row.updatedAt };
    }
  }
  return null;
}
