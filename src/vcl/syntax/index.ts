// Public surface of the VCL syntax: tokens, lexer, parser, include resolution, the printer,
// the tree builder the API's generator writes VCL with, and RTIME literals. Diagnostics (the
// shape every stage reports in) are declared here too, since the lexer reports first.
export type * from './ast.ts';
export type { Diagnostic, DiagnosticTemplate, DiagnosticCatalogue, DiagnosticArgs, Severity, FrontEndCode } from './diagnostics.ts';
export * as diagnostics from './diagnostics.ts';
export { frontEndCatalogue, makeDiagnostic, formatDiagnostic, formatTemplate } from './diagnostics.ts';
export { SourceFile } from './source.ts';
export type { Position } from './source.ts';
export type { Token, TokenKind, Operator, Punctuation } from './token.ts';
export { lex } from './tokens.ts';
export { decodePercentEscapes } from './string-escapes.ts';
export type { LexResult } from './tokens.ts';
export { parse } from './parser.ts';
export { parseExpression } from './parse-expression.ts';
export type { ExpressionParse } from './parse-expression.ts';
export type { ParseResult } from './parser.ts';
export { parseWithIncludes, parseWithIncludesFromMap, resolveIncludePath } from './include.ts';
export type { IncludeLoader, IncludeOptions, IncludeResult, ParsedFile, SourcedDeclaration } from './include.ts';
export { print, printStatements, quoteString, expression as printExpression } from './print.ts';
export type { QuotedString } from './print.ts';
export * as build from './ast-build.ts';
export { UnprintableStringError } from './ast-build.ts';
export { parseRtime, formatRtime, secondsToRtime, RTIME_UNITS } from './rtime.ts';
export type { RtimeUnit } from './rtime.ts';
