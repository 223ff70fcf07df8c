// VCL value types and the subroutines a variable or statement may appear in.
// Types follow Fastly's type reference (https://www.fastly.com/documentation/reference/vcl/types/).

/**
 * A VCL value type. `HEADER` is a STRING that lives in a header collection: it can also be
 * unset and appended to with `add`. `ID` is a bare name argument (a header, a table), `ACL` an
 * ACL name, `REGEX` a regular expression, `VOID` the result of a function called for its effect.
 */
export type VclType =
  | 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOL' | 'TIME' | 'RTIME' | 'IP' | 'BACKEND'
  | 'HEADER' | 'ID' | 'ACL' | 'TABLE' | 'REGEX' | 'VOID';

/** Types `declare local` accepts (Fastly: "Local variables", declarations reference). */
export const LOCAL_TYPES: ReadonlySet<string> = new Set(['STRING', 'INTEGER', 'FLOAT', 'BOOL', 'TIME', 'RTIME', 'IP', 'BACKEND']);

/**
 * Whether a value of type `value` may be assigned to a target of type `target` (or passed as an
 * argument of that type). Fastly converts anything to STRING implicitly (types reference,
 * "Implicit conversions"); numbers convert among themselves; TIME and RTIME are both 64-bit
 * counts of nanoseconds and convert into each other (`set var.t = 2m;` into a TIME, `now` where
 * Fastly's signature wants an RTIME, an RTIME TTL where it wants a TIME); a string literal may be
 * assigned to an IP. Everything else must match.
 */
export function isAssignable(target: VclType, value: VclType, valueIsStringLiteral = false): boolean {
  if (target === value) return true;
  switch (target) {
    case 'STRING':
    case 'HEADER':
      return value !== 'VOID';
    case 'INTEGER':
    case 'FLOAT':
      return value === 'INTEGER' || value === 'FLOAT' || value === 'RTIME';
    case 'RTIME':
      return value === 'INTEGER' || value === 'FLOAT' || value === 'TIME';
    case 'TIME':
      return value === 'RTIME';
    case 'IP':
      return valueIsStringLiteral;
    case 'BOOL':
      return false;
    default:
      return false;
  }
}

/** The type a value reads as: a header is a STRING once read. */
export function valueType(t: VclType): VclType {
  return t === 'HEADER' ? 'STRING' : t;
}
