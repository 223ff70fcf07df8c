// Checks a logging endpoint's format when the endpoint is written: it must translate
// (./format.ts) and the `log` statement it makes must compile in the subroutine it runs in
// (vcl_log for format_version 2, vcl_deliver for 1), so a bad format is a 400 naming `format`,
// not a failed activation. A directive whose VCL lacquer does not run yet (the checker's "not
// supported by lacquer") is refused the same way, as src/model/vcl-check.ts does for the VCL objects.
import { check } from '../../vcl/check/index.ts';
import type { Diagnostic } from '../../vcl/syntax/index.ts';
import { build as B, SourceFile, UnprintableStringError } from '../../vcl/syntax/index.ts';
import type { FieldError } from '../api/parse.ts';
import { formatExpression } from './format.ts';
import { logStatement } from './statement.ts';

/** References to declarations elsewhere in the version: activation checks those. */
const LATER = new Set(['ref/unknown-backend', 'ref/unknown-acl', 'ref/unknown-table', 'ref/unknown-sub']);

export function formatPhase(version: 1 | 2): 'log' | 'deliver' {
  return version === 1 ? 'deliver' : 'log';
}

export function checkLogFormat(format: string, version: 1 | 2): FieldError[] {
  try {
    const made = formatExpression(format, version);
    if (!made.ok) return [{ field: 'format', message: `format: ${made.error.message}` }];
    const phase = formatPhase(version);
    const source = new SourceFile('format', format);
    const file = { ast: B.file('format', [B.sub(`vcl_${phase}`, [logStatement('SERVICE', 'endpoint', made.expression)])]), source };
    const errors = check(file, { warnUnused: false }).filter((d: Diagnostic) => d.severity === 'error' && !LATER.has(d.code));
    return errors.map((d) => ({ field: 'format', message: `format: ${d.message}` }));
  } catch (err) {
    if (err instanceof UnprintableStringError) return [{ field: 'format', message: `format: ${err.reason}` }];
    throw err;
  }
}
