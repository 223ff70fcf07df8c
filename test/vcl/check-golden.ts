// Golden helpers for the checker, in the style of golden.ts: source text in, every
// diagnostic out as `line:col severity code message`.
import assert from 'node:assert/strict';
import { parse } from '../../src/vcl/syntax/parser.ts';
import { check } from '../../src/vcl/check/check.ts';
import type { CheckOptions } from '../../src/vcl/check/check.ts';
import type { Diagnostic } from '../../src/vcl/syntax/diagnostics.ts';

/** A backend that checks clean, for cases about something else. */
export const OK_BACKEND = 'backend F_a { .dynamic = true; .share_key = "k"; .host = "a"; }\n';

export function short(d: Diagnostic): string {
  return `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
}

/** Parses (which must succeed without diagnostics) and checks `input`. */
export function checkText(input: string, file = 'input.vcl', opts: CheckOptions = {}): Diagnostic[] {
  const parsed = parse(input, file);
  assert.deepEqual(parsed.diagnostics.map(short), [], 'the input must parse cleanly');
  return check(parsed, opts);
}

/** Every checker diagnostic of `input`, in order. */
export function expectDiagnostic(input: string, ...expected: string[]): void {
  assert.deepEqual(checkText(input).map(short), expected);
}
