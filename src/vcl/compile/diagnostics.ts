// Compile diagnostics. The checker (src/vcl/check/) rejects almost everything first, with
// better messages; these are the compiler's own last line, for what only code generation
// finds out (a regex JS cannot run) and for anything the checker let through that the
// runtime cannot run. Same shape as the front end's catalogue (diagnostics.ts).
import type { Diagnostic, DiagnosticArgs } from '../syntax/diagnostics.ts';
import { makeDiagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';

export const compileCatalogue = {
  'compile/unknown-variable': { severity: 'error', message: 'lacquer does not run the variable {name}' },
  'compile/undeclared-local': { severity: 'error', message: '{name} is used before "declare local {name} TYPE;"' },
  'compile/not-readable': { severity: 'error', message: '{name} cannot be read' },
  'compile/not-writable': { severity: 'error', message: '{name} cannot be {verb}' },
  'compile/unknown-function': { severity: 'error', message: 'lacquer does not run the function {name}' },
  'compile/arity': { severity: 'error', message: '{name} takes {expected} argument(s), found {found}' },
  'compile/type-mismatch': { severity: 'error', message: 'expected {expected}, found {found}' },
  'compile/operator': { severity: 'error', message: 'operator {op} does not apply to {type}' },
  'compile/literal-required': { severity: 'error', message: '{what} must be a literal' },
  'compile/regex': { severity: 'error', message: 'regular expression "{pattern}" cannot run: {reason}' },
  'compile/unknown-name': { severity: 'error', message: 'unknown name {name}' },
  'compile/unknown-sub': { severity: 'error', message: 'call of undeclared subroutine {name}' },
  'compile/recursion': { severity: 'error', message: 'subroutine {name} calls itself (through {chain})' },
  'compile/unknown-label': { severity: 'error', message: 'goto {name}: no such label in this subroutine' },
  'compile/unsupported': { severity: 'error', message: 'lacquer does not run {what}' },
  'compile/bad-return': { severity: 'error', message: '{what}' },
  'compile/backend': { severity: 'error', message: '{message}' },
} as const;

export type CompileCode = keyof typeof compileCatalogue;

export function compileDiagnostic(code: CompileCode, source: SourceFile, start: number, end: number, args: DiagnosticArgs = {}): Diagnostic {
  return makeDiagnostic(compileCatalogue, code, source, start, end, args);
}
