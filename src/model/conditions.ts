// Conditions as the generator uses them: where each type is evaluated, and the statement of a
// condition as a parsed expression. Exported for every object that attaches a condition
// (headers, response objects, request and cache settings, gzip, backends, logging endpoints):
// `Conditions.wrap` puts an object's statements under its condition, as Fastly's generated VCL
// does (`if (<statement>) { … }`).
// https://www.fastly.com/documentation/guides/full-site-delivery/conditions/about-conditions
import type * as A from '../vcl/syntax/index.ts';
import { build as B, parseExpression } from '../vcl/syntax/index.ts';
import type { Phase } from '../vcl/language/index.ts';
import type { ConditionRecord, ConditionType } from './api/index.ts';
import type { Problems } from './generation-problems.ts';

/** Where Fastly evaluates each type of condition. */
export const CONDITION_PHASES: Readonly<Record<ConditionType, readonly Phase[]>> = {
  REQUEST: ['recv'], CACHE: ['fetch'], RESPONSE: ['deliver'], PREFETCH: ['miss', 'pass'],
};

/**
 * Which condition types an object's condition field takes: a request condition reads only the
 * request, so it may guard an object in any phase; a cache condition reads beresp, so only
 * vcl_fetch's objects; a response condition reads resp, so only vcl_deliver's.
 */
export const CONDITION_FIELDS = {
  request_condition: ['REQUEST', 'PREFETCH'],
  cache_condition: ['CACHE'],
  response_condition: ['RESPONSE'],
} as const satisfies Record<string, readonly ConditionType[]>;
export type ConditionField = keyof typeof CONDITION_FIELDS;

/**
 * A user's VCL expression, stored after it was checked (src/model/vcl-check.ts). One that no
 * longer parses (a later release may read the language differently) is a problem naming the
 * object, and `false` stands in, so nothing it guarded runs.
 */
export function userExpression(text: string, owner: string, field: string, problems: Problems): A.Expression {
  const parsed = parseExpression(text, `${owner} ${field}`);
  if (parsed.expression !== null) return parsed.expression;
  problems.add('invalid-expression', `${owner}: ${field} is not a VCL expression: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return B.bool(false);
}

/** The conditions of a version, by name. */
export class Conditions {
  readonly #byName: ReadonlyMap<string, ConditionRecord>;
  readonly #problems: Problems;

  constructor(records: readonly ConditionRecord[], problems: Problems) {
    this.#byName = new Map(records.map((c) => [c.name, c]));
    this.#problems = problems;
  }

  /** The condition an object names, or null when it names none; a name that does not exist is a problem. */
  get(owner: string, field: string, name: string | null): ConditionRecord | null {
    if (name === null || name === '') return null;
    const found = this.#byName.get(name) ?? null;
    if (found === null) this.#problems.add('unknown-condition', `${owner} uses ${field} "${name}", which does not exist in this version`);
    return found;
  }

  /** Fastly's order: lower priority numbers run first; an object without a condition before them. */
  priority(owner: string, field: string, name: string | null): number {
    return name === null || name === '' ? -1 : this.#byName.get(name)?.priority ?? -1;
  }

  /** `statements` under the named condition (`if (<statement>) { … }`), or as they are without one. */
  wrap(owner: string, field: string, name: string | null, statements: readonly A.Statement[]): A.Statement[] {
    if (name === null || name === '') return [...statements];
    const c = this.get(owner, field, name);
    if (c === null) return [B.ifThen(B.bool(false), statements)];
    return [B.ifThen(userExpression(c.statement, `condition "${c.name}"`, 'statement', this.#problems), statements)];
  }
}
