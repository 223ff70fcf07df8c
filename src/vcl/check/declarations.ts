// Checks of `table` and `acl` declarations: a table's type is one lacquer compiles and each
// entry's value converts to it; each ACL entry is an address and prefix lacquer matches
// (runtime/acl.ts). What passes here, the compiler builds without a diagnostic.
//
// Fastly's declarations reference: https://www.fastly.com/documentation/reference/vcl/declarations/table/
// and …/declarations/acl/.
import type * as A from '../syntax/ast.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import { isAssignable } from '../language/types.ts';
import type { VclType } from '../language/types.ts';
import { compileAcl } from '../runtime/acl.ts';
import * as C from './catalogue.ts';
import type { Unresolved } from './external.ts';

/** Table types lacquer compiles; Fastly's ACL and REGEX tables it does not (yet). */
const TABLE_TYPES: ReadonlySet<string> = new Set(['STRING', 'BOOL', 'INTEGER', 'FLOAT', 'IP', 'RTIME', 'BACKEND']);
const FASTLY_ONLY_TABLE_TYPES: ReadonlySet<string> = new Set(['ACL', 'REGEX']);

/** The type of a table entry's value, or null (reported) when it is no value a table holds. */
function entryType(value: A.Expression, isBackend: (name: string) => boolean): VclType | null {
  switch (value.kind) {
    case 'String': return 'STRING';
    case 'Integer': return 'INTEGER';
    case 'Float': return 'FLOAT';
    case 'Rtime': return 'RTIME';
    case 'Boolean': return 'BOOL';
    case 'Identifier': return isBackend(value.name) ? 'BACKEND' : null;
    case 'Group': return entryType(value.expression, isBackend);
    case 'Unary': {
      if (value.operator !== '-') return null;
      const t = entryType(value.operand, isBackend);
      return t === 'INTEGER' || t === 'FLOAT' || t === 'RTIME' ? t : null;
    }
    default: return null;
  }
}

export function checkTable(
  decl: A.TableDeclaration, src: SourceFile, out: Diagnostic[], isBackend: (name: string) => boolean, use: (name: string) => void, unresolved: Unresolved,
): void {
  const type = decl.type?.name ?? 'STRING';
  if (FASTLY_ONLY_TABLE_TYPES.has(type)) { out.push(C.unsupported(src, decl.type!, `a table of ${type}`)); return; }
  if (!TABLE_TYPES.has(type)) { out.push(C.tableType(src, decl.type!, decl.name.name, type)); return; }
  for (const e of decl.entries) {
    const node = e.value.kind === 'Group' ? e.value.expression : e.value;
    if (node.kind === 'Identifier' && isBackend(node.name)) use(node.name);
    const found = entryType(node, isBackend);
    if (found === null) {
      if (type === 'BACKEND' && node.kind === 'Identifier') unresolved(src, node, 'table backend', node.name);
      else out.push(C.tableEntry(src, e.value, e.key.value, decl.name.name, type, 'an expression'));
    } else if (!isAssignable(type as VclType, found, node.kind === 'String')) {
      out.push(C.tableEntry(src, e.value, e.key.value, decl.name.name, type, found));
    }
  }
}

export function checkAcl(decl: A.AclDeclaration, src: SourceFile, out: Diagnostic[]): void {
  for (const e of decl.entries) {
    const r = compileAcl([{ address: e.address.value, mask: e.mask, negated: e.negated }]);
    if ('error' in r) out.push(C.aclEntry(src, e, r.error));
  }
}
