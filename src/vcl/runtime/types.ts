// VCL value types and their JavaScript representation at run time
// (https://www.fastly.com/documentation/reference/vcl/types/).
//
// The compiler knows every expression's type statically, so values travel unboxed:
//   STRING  string | null   (null is Fastly's "not set", distinct from "")
//   INTEGER number          (integral; Fastly's 64-bit range is narrowed to JS safe integers)
//   FLOAT   number
//   BOOL    boolean
//   TIME    number          (milliseconds since the Unix epoch)
//   RTIME   number          (seconds, fractional: `beresp.ttl`, `1500ms` → 1.5)
//   IP      string | null
//   BACKEND string | null   (the VCL name of a backend or director)
//   ACL     string          (only as the right operand of `~`; the ACL's name)

//   HEADER, ID, TABLE (the checker's argument kinds) never reach run time as values.
import { LOCAL_TYPES } from '../language/types.ts';
import type { VclType } from '../language/types.ts';

export type { VclType };
export { LOCAL_TYPES };

/** Types a value, a typed sub or a table may have at run time: those a local may be declared with. */
export const VCL_TYPES: readonly VclType[] = [...LOCAL_TYPES] as VclType[];

export function isNumeric(t: VclType): boolean {
  return t === 'INTEGER' || t === 'FLOAT' || t === 'RTIME';
}

/** Fastly: declared locals start at their type's zero value — 0, false, NULL for STRING. */
export function zeroValue(t: VclType): unknown {
  switch (t) {
    case 'INTEGER': case 'FLOAT': case 'RTIME': case 'TIME': return 0;
    case 'BOOL': return false;
    default: return null;
  }
}
