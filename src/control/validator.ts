// How activation compiles generated VCL. The VCL front end (src/vcl) implements this; the
// control plane only needs the diagnostics, so it depends on this shape and nothing else.
import type { VclFile } from '../model/generate.ts';

export interface VclDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** `fragment`: check the files as one part of a service, whose other names live elsewhere (/vcl_lint). */
export type VclValidator = (files: readonly VclFile[], opts?: { readonly fragment?: boolean }) => {
  diagnostics: readonly VclDiagnostic[];
  /** The backends the compiled VCL declares (none when it does not compile). */
  backends?: readonly { readonly name: string; readonly shareKey: string }[];
};

export function formatDiagnostic(d: VclDiagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`;
}

/** What generated VCL reports a diagnostic against when the line is lacquer's own code (GET …/generated_vcl shows it). */
export const GENERATED_FILE = 'generated.vcl';

/**
 * A diagnostic of the main file moved to where its author wrote it: the line of the uploaded
 * custom VCL (`mainLines`, from the generator), or the generated VCL when lacquer wrote the line.
 * A user who uploaded `main` reads `main:3:20` for their line 3, not the line it became once
 * lacquer's declarations and #FASTLY code were put around it.
 */
export function whereWritten<D extends VclDiagnostic>(d: D, mainName: string, mainLines: readonly number[] | null): D {
  if (mainLines === null || d.file !== mainName) return d;
  const line = mainLines[d.line - 1] ?? 0;
  return line > 0 ? { ...d, line } : { ...d, file: GENERATED_FILE };
}
