// Checks of `director NAME TYPE { … }` declarations.
//
// Types, their properties and their members' properties follow Fastly's director reference
// (https://www.fastly.com/documentation/reference/vcl/declarations/director/): random
// (.quorum, .retries; members .weight), fallback (members only), hash and client (.quorum;
// members .weight), chash (.key, .seed, .vnodes_per_node, .quorum; members .id).
import type * as A from '../syntax/ast.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import * as C from './catalogue.ts';
import type { Unresolved } from './external.ts';
import { describeValue, expectedText, firstProperties, fits } from './backend.ts';
import type { PropertyKind } from './backend.ts';
import { propertyValue } from './summary.ts';

interface DirectorType {
  readonly properties: Readonly<Record<string, PropertyKind>>;
  readonly member: Readonly<Record<string, PropertyKind>>;
  /** Member properties every member must set besides `.backend`. */
  readonly required: readonly string[];
}

export const DIRECTOR_TYPES: Readonly<Record<string, DirectorType>> = {
  random: { properties: { quorum: 'PERCENT', retries: 'INTEGER' }, member: { backend: 'BACKEND', weight: 'INTEGER' }, required: ['weight'] },
  fallback: { properties: {}, member: { backend: 'BACKEND' }, required: [] },
  hash: { properties: { quorum: 'PERCENT' }, member: { backend: 'BACKEND', weight: 'INTEGER' }, required: ['weight'] },
  client: { properties: { quorum: 'PERCENT' }, member: { backend: 'BACKEND', weight: 'INTEGER' }, required: ['weight'] },
  chash: {
    properties: { key: 'object|client', seed: 'INTEGER', vnodes_per_node: 'INTEGER', quorum: 'PERCENT' },
    member: { backend: 'BACKEND', id: 'STRING' }, required: ['id'],
  },
};

const allowedList = (props: Readonly<Record<string, PropertyKind>>): string => {
  const names = Object.keys(props).map((n) => `.${n}`);
  return names.length === 0 ? 'none' : names.join(', ');
};

/**
 * `isBackend` tells whether a name is a declared backend (anywhere in the program); each
 * member's `.backend` name is passed to `use` so the caller can count it as used.
 */
export function checkDirector(
  decl: A.DirectorDeclaration, src: SourceFile, out: Diagnostic[],
  isBackend: (name: string) => boolean, use: (name: string) => void, unresolved: Unresolved,
): void {
  const typeName = decl.type.name;
  // Fastly's generated VCL declares a `shield` director for each shield POP it routes through;
  // lacquer shields through an API backend's shield field instead (DESIGN.md §4.4).
  if (typeName === 'shield') { out.push(C.unsupported(src, decl.type, `the shield director ${decl.name.name}`)); return; }
  const type = DIRECTOR_TYPES[typeName];
  if (type === undefined) {
    out.push(C.unknownDirectorType(src, decl.type, typeName));
  } else {
    const props = firstProperties(src, decl.properties, out, C.duplicateDirectorProperty);
    for (const p of props.values()) {
      const kind = type.properties[p.name.name];
      if (kind === undefined) { out.push(C.unknownDirectorProperty(src, p.name, typeName, p.name.name, allowedList(type.properties))); continue; }
      const v = propertyValue(p.value);
      if (!fits(kind, v)) out.push(C.directorWrongType(src, p.value, p.name.name, expectedText(kind), describeValue(v)));
      else if (v.kind === 'percent' && (v.value < 0 || v.value > 100)) out.push(C.quorumRange(src, p.value, `${v.value}%`));
    }
  }
  if (decl.members.length === 0) out.push(C.noMembers(src, decl.name, decl.name.name));
  for (const member of decl.members) {
    const props = firstProperties(src, member.properties, out, C.duplicateDirectorProperty);
    if (type !== undefined) {
      for (const p of props.values()) {
        const kind = type.member[p.name.name];
        if (kind === undefined) { out.push(C.unknownMemberProperty(src, p.name, typeName, p.name.name, allowedList(type.member))); continue; }
        const v = propertyValue(p.value);
        if (!fits(kind, v)) out.push(C.directorWrongType(src, p.value, p.name.name, expectedText(kind), describeValue(v)));
      }
      for (const required of ['backend', ...type.required]) {
        if (!props.has(required)) out.push(C.missingMemberProperty(src, member, typeName, required));
      }
    }
    const backend = props.get('backend');
    if (backend !== undefined && backend.value.kind === 'Identifier') {
      const name = backend.value.name;
      if (isBackend(name)) use(name);
      else unresolved(src, backend.value, 'director backend', name);
    }
  }
}
