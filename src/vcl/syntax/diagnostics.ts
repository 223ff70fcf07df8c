// Diagnostics are data, never exceptions (STYLE.md habit 4). Every diagnostic has a stable
// `code` from a catalogue, a severity, a position and a message a user can act on.
//
// A catalogue maps code → { severity, message template }. Templates name their
// arguments in braces (`expected {expected}, found {found}`); the named constructors below
// fill them, so call sites read like falco's `MissingSemicolon(...)` and the catalogue
// stays the one place where wording lives (docs/vcl.md lists it, a test keeps them in step).
// The checker adds its own catalogue (`backend/*`, `probe/*`, …) of the same shape and
// builds diagnostics with the same `makeDiagnostic`.
import type { SourceFile } from './source.ts';

/** `info` is never a problem: what a fragment takes on trust (check/external.ts). */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly message: string;
  /** Offset range in the file's text, `start <= end <= text.length`. */
  readonly start: number;
  readonly end: number;
}

export interface DiagnosticTemplate {
  readonly severity: Severity;
  /** Message with `{name}` placeholders. */
  readonly message: string;
}

export type DiagnosticCatalogue = Readonly<Record<string, DiagnosticTemplate>>;

export type DiagnosticArgs = Readonly<Record<string, string | number>>;

/** Codes of the front end: lexer, parser and include resolution. */
export const frontEndCatalogue = {
  'lex/unterminated-string': { severity: 'error', message: 'unterminated string: a "…" string must close on the same line' },
  'lex/unterminated-long-string': { severity: 'error', message: 'unterminated long string: expected {close} before the end of the file' },
  'lex/unterminated-comment': { severity: 'error', message: 'unterminated comment: expected */ before the end of the file' },
  'lex/unexpected-character': { severity: 'error', message: 'unexpected character {char}' },
  'lex/invalid-number': { severity: 'error', message: 'invalid number {text}' },
  'parse/missing-semicolon': { severity: 'error', message: 'missing ";" after {after}' },
  'parse/unexpected-token': { severity: 'error', message: 'expected {expected}, found {found}' },
  'parse/unknown-declaration': { severity: 'error', message: 'unknown declaration {found}: expected backend, director, table, acl, sub, penaltybox, ratecounter, include, import or pragma' },
  'parse/unclosed-block': { severity: 'error', message: 'missing "}" to close {what} opened here' },
  'parse/macro-outside-sub': { severity: 'error', message: '#FASTLY {phase} is only allowed inside a subroutine' },
  'include/not-found': { severity: 'error', message: 'included file "{name}" not found (looked for {path})' },
  'include/cycle': { severity: 'error', message: 'include cycle: {chain}' },
} as const satisfies DiagnosticCatalogue;

export type FrontEndCode = keyof typeof frontEndCatalogue;

/** Fills `{name}` placeholders; unknown names are left as written. */
export function formatTemplate(template: string, args: DiagnosticArgs): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}

/** Builds a diagnostic from any catalogue; line:col is computed here and only here. */
export function makeDiagnostic<C extends DiagnosticCatalogue>(
  catalogue: C,
  code: keyof C & string,
  source: SourceFile,
  start: number,
  end: number,
  args: DiagnosticArgs = {},
): Diagnostic {
  const template = catalogue[code];
  const s = Math.max(0, Math.min(start, source.text.length));
  const e = Math.max(s, Math.min(end, source.text.length));
  const { line, col } = source.position(s);
  return { code, severity: template.severity, file: source.name, line, col, message: formatTemplate(template.message, args), start: s, end: e };
}

/** `file:line:col severity code message`, the `lacquer vcl lint` output format. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
}

const fe = (code: FrontEndCode, source: SourceFile, start: number, end: number, args?: DiagnosticArgs): Diagnostic =>
  makeDiagnostic(frontEndCatalogue, code, source, start, end, args);

// Named constructors, one per front-end code.
export const unterminatedString = (src: SourceFile, start: number, end: number): Diagnostic =>
  fe('lex/unterminated-string', src, start, end);
export const unterminatedLongString = (src: SourceFile, start: number, end: number, close: string): Diagnostic =>
  fe('lex/unterminated-long-string', src, start, end, { close });
export const unterminatedComment = (src: SourceFile, start: number, end: number): Diagnostic =>
  fe('lex/unterminated-comment', src, start, end);
export const unexpectedCharacter = (src: SourceFile, start: number, end: number, char: string): Diagnostic =>
  fe('lex/unexpected-character', src, start, end, { char: JSON.stringify(char) });
export const invalidNumber = (src: SourceFile, start: number, end: number, text: string): Diagnostic =>
  fe('lex/invalid-number', src, start, end, { text });
export const missingSemicolon = (src: SourceFile, at: number, after: string): Diagnostic =>
  fe('parse/missing-semicolon', src, at, at, { after });
export const unexpectedToken = (src: SourceFile, start: number, end: number, expected: string, found: string): Diagnostic =>
  fe('parse/unexpected-token', src, start, end, { expected, found });
export const unknownDeclaration = (src: SourceFile, start: number, end: number, found: string): Diagnostic =>
  fe('parse/unknown-declaration', src, start, end, { found });
export const unclosedBlock = (src: SourceFile, start: number, end: number, what: string): Diagnostic =>
  fe('parse/unclosed-block', src, start, end, { what });
export const macroOutsideSub = (src: SourceFile, start: number, end: number, phase: string): Diagnostic =>
  fe('parse/macro-outside-sub', src, start, end, { phase });
export const includeNotFound = (src: SourceFile, start: number, end: number, name: string, path: string): Diagnostic =>
  fe('include/not-found', src, start, end, { name, path });
export const includeCycle = (src: SourceFile, start: number, end: number, chain: readonly string[]): Diagnostic =>
  fe('include/cycle', src, start, end, { chain: chain.join(' → ') });
