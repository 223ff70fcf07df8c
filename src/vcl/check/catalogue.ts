// The checker's diagnostic catalogue, in the shape of diagnostics.ts's front-end catalogue:
// one stable code per mistake, its severity and its wording, and a named constructor per
// code so call sites read `unknownBackendProperty(src, node, name)`. docs/vcl.md lists every
// code with an example; test/vcl/check-docs.test.ts keeps the two in step.
//
// Warnings are kept to likely mistakes: something declared and never used, a
// probe that starts sick. A correct file is silent. Info says what a fragment takes on trust:
// the names it uses that other files of the service declare (external.ts).
import type { Diagnostic, DiagnosticArgs, DiagnosticCatalogue } from '../syntax/diagnostics.ts';
import { makeDiagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';

export const checkCatalogue = {
  'backend/invalid-name': { severity: 'error', message: 'backend name {name} must start with a letter or "_" and contain only letters, digits and "_"' },
  'backend/duplicate': { severity: 'error', message: '{name} is already declared as a {kind} at {at}' },
  'backend/unknown-property': { severity: 'error', message: 'unknown backend property .{name}' },
  'backend/shield': { severity: 'error', message: '.shield: only API backends can be shielded; set the backend\'s shield field through the API (a VCL backend is always fetched from where it is)' },
  'backend/wrong-type': { severity: 'error', message: '.{name} must be {expected}, found {found}' },
  'backend/duplicate-property': { severity: 'error', message: '.{name} is given twice (first at line {line})' },
  'backend/object-value': { severity: 'error', message: '.{name} cannot take an object { … }: only .probe can' },
  'backend/missing-host': { severity: 'error', message: 'backend {name} has no .host' },
  'backend/not-dynamic': { severity: 'error', message: 'backend {name} must set .dynamic = true: Fastly requires it of backends declared in VCL' },
  'backend/missing-share-key': { severity: 'error', message: 'backend {name} must set .share_key: Fastly requires it of backends declared in VCL' },
  'backend/invalid-share-key': { severity: 'error', message: '.share_key {value} may contain only letters, digits and "_"' },
  'probe/unknown-property': { severity: 'error', message: 'unknown probe property .{name}' },
  'probe/wrong-type': { severity: 'error', message: '.{name} must be {expected}, found {found}' },
  'probe/duplicate-property': { severity: 'error', message: '.{name} is given twice (first at line {line})' },
  'probe/window-range': { severity: 'error', message: '.window must be between 1 and 64, found {value}' },
  'probe/threshold-exceeds-window': { severity: 'error', message: '.threshold ({threshold}) must not exceed .window ({window})' },
  'probe/initial-exceeds-window': { severity: 'error', message: '.initial ({initial}) must not exceed .window ({window})' },
  'probe/starts-sick': { severity: 'warning', message: '.initial ({initial}) is below .threshold - 1 ({threshold} - 1): the backend starts sick and needs {needed} good probes before it is healthy' },
  'probe/expected-response-range': { severity: 'error', message: '.expected_response must be a three-digit status between 100 and 999, found {value}' },
  'probe/url-and-request': { severity: 'error', message: 'give .url or .request, not both: .request is the whole probe request' },
  'probe/request-line-break': { severity: 'error', message: '.request lines must not contain CR or LF: write each line as its own string' },
  'director/unknown-type': { severity: 'error', message: 'unknown director type {type}: expected random, fallback, hash, client or chash' },
  'director/duplicate': { severity: 'error', message: '{name} is already declared as a {kind} at {at}' },
  'director/unknown-property': { severity: 'error', message: 'a {type} director has no property .{name} (allowed: {allowed})' },
  'director/unknown-member-property': { severity: 'error', message: 'a {type} director member has no property .{name} (allowed: {allowed})' },
  'director/wrong-type': { severity: 'error', message: '.{name} must be {expected}, found {found}' },
  'director/duplicate-property': { severity: 'error', message: '.{name} is given twice (first at line {line})' },
  'director/missing-member-property': { severity: 'error', message: 'a {type} director member must set .{name}' },
  'director/unknown-backend': { severity: 'error', message: '{name} is not a declared backend' },
  'director/quorum-range': { severity: 'error', message: '.quorum must be between 0% and 100%, found {value}' },
  'director/no-members': { severity: 'error', message: 'director {name} has no backends: add at least one { .backend = …; }' },
  'table/type': { severity: 'error', message: 'unknown type {type} for table {name}: expected STRING, BOOL, INTEGER, FLOAT, IP, RTIME or BACKEND' },
  'table/entry-type': { severity: 'error', message: 'entry "{key}" of table {name} must be {expected}, found {found}' },
  'acl/invalid-entry': { severity: 'error', message: '{reason}' },
  'ref/unknown-backend': { severity: 'error', message: '{name} is not a declared backend or director' },
  'ref/unknown-acl': { severity: 'error', message: '{name} is not a declared ACL' },
  'ref/unknown-table': { severity: 'error', message: '{name} is not a declared table' },
  'ref/unknown-ratecounter': { severity: 'error', message: '{name} is not a declared ratecounter: add ratecounter {name} { }' },
  'ref/unknown-penaltybox': { severity: 'error', message: '{name} is not a declared penaltybox: add penaltybox {name} { }' },
  'ref/unknown-sub': { severity: 'error', message: 'no subroutine {name} is declared' },
  'ref/external': { severity: 'info', message: '{kind} {name} is not declared in this file; it must be declared elsewhere in the service' },
  'ref/duplicate': { severity: 'error', message: '{kind} {name} is already declared at {at}' },
  'ref/unused': { severity: 'warning', message: '{kind} {name} is declared but never used' },
  'sub/action-not-allowed': { severity: 'error', message: '{action} is not allowed in {where}: allowed are {allowed}' },
  'sub/unknown-action': { severity: 'error', message: 'unknown return action {action}: expected one of {allowed}' },
  'sub/reserved-name': { severity: 'error', message: '{name} is not a Fastly subroutine: names starting with vcl_ are reserved for {names}' },
  'sub/return-type': { severity: 'error', message: 'unknown return type {type} for {name}: expected STRING, INTEGER, FLOAT, BOOL, TIME, RTIME, IP or BACKEND' },
  'sub/unknown-label': { severity: 'error', message: 'goto {name}: no label {name}: follows in this subroutine (goto jumps forward only)' },
  'sub/recursion': { severity: 'error', message: 'recursive call: {chain} (Fastly does not allow recursion)' },
  'var/unknown': { severity: 'error', message: '{name}: Fastly has no variable of that name' },
  'var/not-readable': { severity: 'error', message: '{name} cannot be read in {where}' },
  'var/not-settable': { severity: 'error', message: '{name} cannot be set in {where}' },
  'var/read-only': { severity: 'error', message: '{name} is read-only' },
  'var/not-unsettable': { severity: 'error', message: '{name} cannot be unset' },
  'var/add-target': { severity: 'error', message: 'add appends a header line: {name} is not a whole header (SCOPE.http.NAME)' },
  'expr/operator': { severity: 'error', message: '{op} does not apply to {type}' },
  'expr/percent': { severity: 'error', message: 'a percentage is only a director\'s .quorum; here it has no meaning' },
  'expr/regex-literal': { severity: 'error', message: 'a regular expression must be a string literal ("…"): VCL compiles it once, before any request' },
  'expr/regex': { severity: 'error', message: 'regular expression "{pattern}" cannot run: {reason}' },
  'var/type-mismatch': { severity: 'error', message: 'cannot assign {found} to {name}, which is {expected}' },
  'var/local-name': { severity: 'error', message: 'local variable {name} must be named var.<name>' },
  'var/local-type': { severity: 'error', message: 'unknown type {type} for {name}: expected STRING, INTEGER, FLOAT, BOOL, TIME, RTIME, IP or BACKEND' },
  'var/undeclared-local': { severity: 'error', message: '{name} is not declared in this subroutine: add declare local {name} TYPE;' },
  'var/duplicate-local': { severity: 'error', message: '{name} is already declared in this subroutine' },
  'fn/unknown': { severity: 'error', message: '{name}(): Fastly has no function of that name' },
  'fn/not-available': { severity: 'error', message: '{name}() cannot be called in {where}' },
  'fn/arity': { severity: 'error', message: '{name}() takes {expected} argument(s), found {found}' },
  'fn/argument-type': { severity: 'error', message: 'argument {index} of {name}() must be {expected}, found {found}' },
  'lacquer/unsupported': { severity: 'error', message: '{what} is not supported by lacquer' },
} as const satisfies DiagnosticCatalogue;

export type CheckCode = keyof typeof checkCatalogue;

/** Anything with a source range: an AST node. */
export interface Ranged { readonly start: number; readonly end: number }

const d = (code: CheckCode, src: SourceFile, at: Ranged, args?: DiagnosticArgs): Diagnostic =>
  makeDiagnostic(checkCatalogue, code, src, at.start, at.end, args);
type S = SourceFile;
type R = Ranged;

// ── backend/* ─────────────────────────────────────────────────────────────────────────────
export const invalidBackendName = (s: S, at: R, name: string): Diagnostic => d('backend/invalid-name', s, at, { name });
export const duplicateBackend = (s: S, at: R, name: string, kind: string, first: string): Diagnostic => d('backend/duplicate', s, at, { name, kind, at: first });
export const unknownBackendProperty = (s: S, at: R, name: string): Diagnostic => d('backend/unknown-property', s, at, { name });
export const shieldedVclBackend = (s: S, at: R): Diagnostic => d('backend/shield', s, at, {});
export const backendWrongType = (s: S, at: R, name: string, expected: string, found: string): Diagnostic => d('backend/wrong-type', s, at, { name, expected, found });
export const duplicateBackendProperty = (s: S, at: R, name: string, line: number): Diagnostic => d('backend/duplicate-property', s, at, { name, line });
export const backendObjectValue = (s: S, at: R, name: string): Diagnostic => d('backend/object-value', s, at, { name });
export const missingHost = (s: S, at: R, name: string): Diagnostic => d('backend/missing-host', s, at, { name });
export const notDynamic = (s: S, at: R, name: string): Diagnostic => d('backend/not-dynamic', s, at, { name });
export const missingShareKey = (s: S, at: R, name: string): Diagnostic => d('backend/missing-share-key', s, at, { name });
export const invalidShareKey = (s: S, at: R, value: string): Diagnostic => d('backend/invalid-share-key', s, at, { value: JSON.stringify(value) });
// ── probe/* ───────────────────────────────────────────────────────────────────────────────
export const unknownProbeProperty = (s: S, at: R, name: string): Diagnostic => d('probe/unknown-property', s, at, { name });
export const probeWrongType = (s: S, at: R, name: string, expected: string, found: string): Diagnostic => d('probe/wrong-type', s, at, { name, expected, found });
export const duplicateProbeProperty = (s: S, at: R, name: string, line: number): Diagnostic => d('probe/duplicate-property', s, at, { name, line });
export const windowRange = (s: S, at: R, value: number): Diagnostic => d('probe/window-range', s, at, { value });
export const thresholdExceedsWindow = (s: S, at: R, threshold: number, window: number): Diagnostic => d('probe/threshold-exceeds-window', s, at, { threshold, window });
export const initialExceedsWindow = (s: S, at: R, initial: number, window: number): Diagnostic => d('probe/initial-exceeds-window', s, at, { initial, window });
export const startsSick = (s: S, at: R, initial: number, threshold: number): Diagnostic =>
  d('probe/starts-sick', s, at, { initial, threshold, needed: threshold - initial });
export const expectedResponseRange = (s: S, at: R, value: number): Diagnostic => d('probe/expected-response-range', s, at, { value });
export const urlAndRequest = (s: S, at: R): Diagnostic => d('probe/url-and-request', s, at);
export const requestLineBreak = (s: S, at: R): Diagnostic => d('probe/request-line-break', s, at);
// ── director/* ────────────────────────────────────────────────────────────────────────────
export const unknownDirectorType = (s: S, at: R, type: string): Diagnostic => d('director/unknown-type', s, at, { type });
export const duplicateDirector = (s: S, at: R, name: string, kind: string, first: string): Diagnostic => d('director/duplicate', s, at, { name, kind, at: first });
export const unknownDirectorProperty = (s: S, at: R, type: string, name: string, allowed: string): Diagnostic => d('director/unknown-property', s, at, { type, name, allowed });
export const unknownMemberProperty = (s: S, at: R, type: string, name: string, allowed: string): Diagnostic => d('director/unknown-member-property', s, at, { type, name, allowed });
export const directorWrongType = (s: S, at: R, name: string, expected: string, found: string): Diagnostic => d('director/wrong-type', s, at, { name, expected, found });
export const duplicateDirectorProperty = (s: S, at: R, name: string, line: number): Diagnostic => d('director/duplicate-property', s, at, { name, line });
export const missingMemberProperty = (s: S, at: R, type: string, name: string): Diagnostic => d('director/missing-member-property', s, at, { type, name });
export const directorUnknownBackend = (s: S, at: R, name: string): Diagnostic => d('director/unknown-backend', s, at, { name });
export const quorumRange = (s: S, at: R, value: string): Diagnostic => d('director/quorum-range', s, at, { value });
export const noMembers = (s: S, at: R, name: string): Diagnostic => d('director/no-members', s, at, { name });
// ── table/*, acl/* ──────────────────────────────────────────────────────────────────────
export const tableType = (s: S, at: R, name: string, type: string): Diagnostic => d('table/type', s, at, { name, type });
export const tableEntry = (s: S, at: R, key: string, name: string, expected: string, found: string): Diagnostic => d('table/entry-type', s, at, { key, name, expected, found });
export const aclEntry = (s: S, at: R, reason: string): Diagnostic => d('acl/invalid-entry', s, at, { reason });
// ── ref/* ─────────────────────────────────────────────────────────────────────────────────
export const unknownBackendRef = (s: S, at: R, name: string): Diagnostic => d('ref/unknown-backend', s, at, { name });
export const unknownAcl = (s: S, at: R, name: string): Diagnostic => d('ref/unknown-acl', s, at, { name });
export const unknownTable = (s: S, at: R, name: string): Diagnostic => d('ref/unknown-table', s, at, { name });
export const unknownRateLimit = (s: S, at: R, kind: 'ratecounter' | 'penaltybox', name: string): Diagnostic => d(kind === 'ratecounter' ? 'ref/unknown-ratecounter' : 'ref/unknown-penaltybox', s, at, { name });
export const unknownSub = (s: S, at: R, name: string): Diagnostic => d('ref/unknown-sub', s, at, { name });
/** Fragment mode (external.ts): a name used but declared in another file of the service. */
export const external = (s: S, at: R, kind: string, name: string): Diagnostic => d('ref/external', s, at, { kind, name });
export const duplicateDeclaration = (s: S, at: R, kind: string, name: string, first: string): Diagnostic => d('ref/duplicate', s, at, { kind, name, at: first });
export const unused = (s: S, at: R, kind: string, name: string): Diagnostic => d('ref/unused', s, at, { kind, name });
// ── sub/* ─────────────────────────────────────────────────────────────────────────────────
export const actionNotAllowed = (s: S, at: R, action: string, where: string, allowed: readonly string[]): Diagnostic =>
  d('sub/action-not-allowed', s, at, { action, where, allowed: allowed.join(', ') });
export const unknownAction = (s: S, at: R, action: string, allowed: readonly string[]): Diagnostic =>
  d('sub/unknown-action', s, at, { action, allowed: allowed.join(', ') });
export const reservedSubName = (s: S, at: R, name: string, names: readonly string[]): Diagnostic =>
  d('sub/reserved-name', s, at, { name, names: `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` });
export const returnTypeUnknown = (s: S, at: R, name: string, type: string): Diagnostic => d('sub/return-type', s, at, { name, type });
export const unknownLabel = (s: S, at: R, name: string): Diagnostic => d('sub/unknown-label', s, at, { name });
export const recursion = (s: S, at: R, chain: readonly string[]): Diagnostic => d('sub/recursion', s, at, { chain: chain.join(' → ') });
// ── var/* ─────────────────────────────────────────────────────────────────────────────────
export const unknownVariable = (s: S, at: R, name: string): Diagnostic => d('var/unknown', s, at, { name });
export const notReadable = (s: S, at: R, name: string, where: string): Diagnostic => d('var/not-readable', s, at, { name, where });
export const notSettable = (s: S, at: R, name: string, where: string): Diagnostic => d('var/not-settable', s, at, { name, where });
export const readOnly = (s: S, at: R, name: string): Diagnostic => d('var/read-only', s, at, { name });
export const notUnsettable = (s: S, at: R, name: string): Diagnostic => d('var/not-unsettable', s, at, { name });
export const addTarget = (s: S, at: R, name: string): Diagnostic => d('var/add-target', s, at, { name });
export const percent = (s: S, at: R): Diagnostic => d('expr/percent', s, at);
export const regexLiteral = (s: S, at: R): Diagnostic => d('expr/regex-literal', s, at);
export const regex = (s: S, at: R, pattern: string, reason: string): Diagnostic => d('expr/regex', s, at, { pattern, reason });
export const operator = (s: S, at: R, op: string, type: string): Diagnostic => d('expr/operator', s, at, { op, type });
export const typeMismatch = (s: S, at: R, name: string, expected: string, found: string): Diagnostic => d('var/type-mismatch', s, at, { name, expected, found });
export const localName = (s: S, at: R, name: string): Diagnostic => d('var/local-name', s, at, { name });
export const localType = (s: S, at: R, name: string, type: string): Diagnostic => d('var/local-type', s, at, { name, type });
export const undeclaredLocal = (s: S, at: R, name: string): Diagnostic => d('var/undeclared-local', s, at, { name });
export const duplicateLocal = (s: S, at: R, name: string): Diagnostic => d('var/duplicate-local', s, at, { name });
// ── fn/* ──────────────────────────────────────────────────────────────────────────────────
export const unknownFunction = (s: S, at: R, name: string): Diagnostic => d('fn/unknown', s, at, { name });
export const notAvailable = (s: S, at: R, name: string, where: string): Diagnostic => d('fn/not-available', s, at, { name, where });
export const wrongArity = (s: S, at: R, name: string, expected: string, found: number): Diagnostic => d('fn/arity', s, at, { name, expected, found });
export const argumentType = (s: S, at: R, name: string, index: number, expected: string, found: string): Diagnostic =>
  d('fn/argument-type', s, at, { name, index, expected, found });
// ── lacquer/* ─────────────────────────────────────────────────────────────────────────────
/** Something Fastly documents that lacquer does not run: lacquer's limit, not the user's mistake. */
export const unsupported = (s: S, at: R, what: string): Diagnostic => d('lacquer/unsupported', s, at, { what });
