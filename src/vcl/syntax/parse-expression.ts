// One VCL expression on its own: the statement of a Fastly condition, a header's `src`, a
// request setting's hash key. These are user VCL that the API's generator inserts into the
// code it writes (src/model/generate.ts), so they are parsed here into a syntax tree and
// inserted as nodes, never pasted as text: text that does not parse as exactly one expression
// (`true) { … } if (true`) is refused, whatever it would have done inside the generated code.
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { unexpectedToken } from './diagnostics.ts';
import { scan } from './lexer.ts';
import { BAIL } from './parser-cursor.ts';
import { ExpressionParser } from './parser-expr.ts';
import { SourceFile } from './source.ts';
import { T } from './token.ts';

export interface ExpressionParse {
  /** Null when the text is not exactly one expression; `diagnostics` then says why. */
  readonly expression: A.Expression | null;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

class WholeExpression extends ExpressionParser {
  parseWhole(): A.Expression | null {
    try {
      const e = this.expression();
      if (this.kind() !== T.eof) {
        const t = this.pos;
        this.diags.push(unexpectedToken(this.src, this.starts[t], this.ends[t], 'the end of the expression', this.describe(t)));
        return null;
      }
      return e;
    } catch (err) {
      if (err === BAIL) return null;
      throw err;
    }
  }
}

export function parseExpression(text: string, file = '<expression>'): ExpressionParse {
  const source = new SourceFile(file, text);
  const stream = scan(source);
  const expression = new WholeExpression(stream).parseWhole();
  const failed = stream.diagnostics.some((d) => d.severity === 'error');
  return { expression: failed ? null : expression, source, diagnostics: stream.diagnostics };
}
