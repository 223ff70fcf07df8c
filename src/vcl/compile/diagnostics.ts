// What the compiler reports. The compiler trusts a checked program (DESIGN.md §1): the checker
// (src/vcl/check/) refuses everything lacquer cannot run, with the message a user can act on.
// Whatever the compiler still finds it cannot run is therefore a bug in lacquer — the checker
// and the compiler disagree — and it is reported as one internal error, never as a second
// catalogue of user mistakes. Same shape as the front end's catalogue (syntax/diagnostics.ts).
import type { Diagnostic } from '../syntax/diagnostics.ts';
import { makeDiagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';

export const compileCatalogue = {
  'compile/internal': { severity: 'error', message: 'internal error: the checker accepted {what}, which the compiler cannot run; please report this to lacquer' },
} as const;

export type CompileCode = keyof typeof compileCatalogue;

/** A construct the checker let through that the compiler cannot run: a bug, said as one. */
export function internalError(source: SourceFile, node: { start: number; end: number }, what: string): Diagnostic {
  return makeDiagnostic(compileCatalogue, 'compile/internal', source, node.start, node.end, { what });
}
