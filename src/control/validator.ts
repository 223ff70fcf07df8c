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

export type VclValidator = (files: readonly VclFile[]) => {
  diagnostics: readonly VclDiagnostic[];
  /** The backends the compiled VCL declares (none when it does not compile). */
  backends?: readonly { readonly name: string; readonly shareKey: string }[];
};

export function formatDiagnostic(d: VclDiagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`;
}
