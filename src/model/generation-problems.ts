// What generation found wrong with a version's API objects. Problems are data, collected in a
// list (STYLE.md habit 4); any problem refuses activation and shows in GET …/validate.
import type * as A from '../vcl/syntax/index.ts';
import { build, UnprintableStringError } from '../vcl/syntax/index.ts';

export interface GenerationProblem {
  readonly code: string;
  readonly message: string;
}

export class Problems {
  readonly list: GenerationProblem[] = [];

  add(code: string, message: string): void {
    this.list.push({ code, message });
  }

  /**
   * A string literal holding a field's value. A value no VCL string can hold (NUL, an unpaired
   * surrogate) is a problem naming the object and field; the literal is then empty, and the
   * problem keeps the version from activating.
   */
  text(owner: string, field: string, value: string): A.StringLiteral {
    try {
      return build.str(value);
    } catch (err) {
      if (!(err instanceof UnprintableStringError)) throw err;
      this.add('unprintable-value', `${owner}: ${field} ${err.reason}`);
      return build.str('');
    }
  }
}
