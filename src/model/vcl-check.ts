// Checks, when an object is written, that the VCL it will generate compiles where it runs, so a
// bad statement is a 400 naming its field (DESIGN.md §4.2), not a failed activation later. The
// user's own VCL (a condition's statement, a header's src, hash keys) is parsed as one
// expression (src/vcl/syntax/parse-expression.ts) and checked by the one checker, in the phase
// Fastly runs it in. A field whose VCL uses something lacquer does not run yet (the checker's
// "not supported by lacquer") is refused the same way; it is accepted once the runtime has it.
//
// References to other declarations (a backend, an ACL, a table) are left to activation, which
// checks the whole version: they may be created after the object that names them.
import { check } from '../vcl/check/index.ts';
import type { Diagnostic } from '../vcl/syntax/index.ts';
import type * as A from '../vcl/syntax/index.ts';
import { build as B, parseExpression, SourceFile } from '../vcl/syntax/index.ts';
import type { Phase } from '../vcl/language/index.ts';
import type { FieldError } from './api/parse.ts';
import { CONDITION_PHASES } from './conditions.ts';
import { cacheSettingsStatements, gzipStatement, HEADER_PLACES, hashKeyTexts, headerAction, headerTarget, requestSettingsParts } from './generate-objects.ts';
import { Problems } from './generation-problems.ts';
import type { CacheSettingsRecord, ConditionType, GzipRecord, HeaderRecord, RequestSettingsRecord } from './api/index.ts';

/** Diagnostics about names declared elsewhere in the version: activation checks those. */
const LATER = new Set(['ref/unknown-backend', 'ref/unknown-acl', 'ref/unknown-table', 'ref/unknown-sub']);
const BUILT = new SourceFile('<generated>', '');

function errorsIn(field: string, phase: Phase, statements: readonly A.Statement[], source: SourceFile = BUILT): FieldError[] {
  const file = { ast: B.file(source.name, [B.sub(`vcl_${phase}`, statements)]), source };
  return check(file, { warnUnused: false })
    .filter((d: Diagnostic) => d.severity === 'error' && !LATER.has(d.code))
    .map((d) => ({ field, message: `${field}: ${d.message}` }));
}

type Parsed = { ok: true; expression: A.Expression; source: SourceFile } | { ok: false; errors: FieldError[] };

function expression(field: string, text: string): Parsed {
  const parsed = parseExpression(text, field);
  if (parsed.expression !== null) return { ok: true, expression: parsed.expression, source: parsed.source };
  const why = parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ');
  return { ok: false, errors: [{ field, message: `${field}: must be one VCL expression (${why})` }] };
}

function firstErrors(...groups: Array<() => FieldError[]>): FieldError[] {
  for (const g of groups) {
    const errors = g();
    if (errors.length > 0) return errors;
  }
  return [];
}

/** A condition's statement: one expression that compiles where its type runs. */
export function checkCondition(statement: string, type: ConditionType): FieldError[] {
  const parsed = expression('statement', statement);
  if (!parsed.ok) return parsed.errors;
  return firstErrors(...CONDITION_PHASES[type].map((phase) => () => errorsIn('statement', phase, [B.ifThen(parsed.expression, [])], parsed.source)));
}

/** A header: its target (type + dst), its src and its regex, in every phase its type runs in. */
export function checkHeader(record: Readonly<Record<string, unknown>>): FieldError[] {
  const h = record as HeaderRecord;
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[!#$%&'*+^_`|~0-9A-Za-z-]+)*(:[!#$%&'*+^_`|~0-9A-Za-z.-]+)?$/.test(h.dst)) {
    return [{ field: 'dst', message: 'dst: must name a variable without its object, such as http.X-Header or url' }];
  }
  const set = h.action === 'delete' ? [B.unset(headerTarget(h))] : [B.set(headerTarget(h), B.str(''))];
  const phases = HEADER_PLACES[h.type].phases;
  const dst = firstErrors(...phases.map((p) => () => errorsIn('dst', p, set)));
  if (dst.length > 0) return dst;
  if (h.action === 'regex' || h.action === 'regex_repeat') {
    const regex = errorsIn('regex', phases[0], [headerAction(h, B.str(''))]);
    if (regex.length > 0) return regex;
  }
  if (h.action === 'delete' || h.src === null) return [];
  const src = expression('src', h.src);
  if (!src.ok) return src.errors;
  return firstErrors(...phases.map((p) => () => errorsIn('src', p, [headerAction(h, src.expression)], src.source)));
}

export function checkRequestSettings(record: Readonly<Record<string, unknown>>): FieldError[] {
  const r = record as RequestSettingsRecord;
  if (r.xff !== 'append') {
    return [{ field: 'xff', message: `xff: ${r.xff} is not supported: lacquer's edge always appends the client address to X-Forwarded-For; use append` }];
  }
  if (r.geo_headers) return [{ field: 'geo_headers', message: 'geo_headers: is not supported: Fastly deprecated it and ignores it; use client.geo.* in a header\'s src' }];
  const keys: A.Expression[] = [];
  for (const text of hashKeyTexts(r.hash_keys)) {
    const parsed = expression('hash_keys', text);
    if (!parsed.ok) return parsed.errors;
    keys.push(parsed.expression);
  }
  const parts = requestSettingsParts(r, keys, new Problems());
  return firstErrors(
    ...parts.recv.map((p) => () => errorsIn(p.field, 'recv', p.statements)),
    () => errorsIn('hash_keys', 'hash', parts.hash),
    () => errorsIn('timer_support', 'deliver', parts.deliver),
  );
}

export function checkCacheSettings(record: Readonly<Record<string, unknown>>): FieldError[] {
  return errorsIn('action', 'fetch', cacheSettingsStatements(record as CacheSettingsRecord));
}

export function checkGzip(record: Readonly<Record<string, unknown>>): FieldError[] {
  return errorsIn('content_types', 'fetch', [gzipStatement(record as GzipRecord)]);
}
