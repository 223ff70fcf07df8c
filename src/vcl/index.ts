// Public surface of the VCL front end: lexer, parser, include resolution, printer, RTIME.
export type * from './ast.ts';
export type { Diagnostic, DiagnosticTemplate, DiagnosticCatalogue, DiagnosticArgs, Severity, FrontEndCode } from './diagnostics.ts';
export { frontEndCatalogue, makeDiagnostic, formatDiagnostic, formatTemplate } from './diagnostics.ts';
export { SourceFile } from './source.ts';
export type { Position } from './source.ts';
