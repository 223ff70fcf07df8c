// The bounded matcher's program: a translated pattern compiled to instructions for a
// backtracking machine (bounded-vm.ts) with ECMAScript's matching semantics (ECMA-262
// §22.2.2, the pattern semantics RegExp follows), so a pattern runs here exactly as RegExp
// runs it — same match, same capture groups — but every step is counted.
//
// Semantics that shape the instructions, each as ECMA-262 states it:
// - alternatives and quantifiers are tried in priority order (SPLIT pushes the other branch);
// - a quantified atom's capture groups are cleared at the start of every iteration (CLEAR),
//   and an iteration beyond the minimum that matched empty fails (RepeatMatcher step 2.a);
// - a group's capture is set when the group is left, both ends at once (OPEN/CLOSE), so a
//   backreference inside the group still sees the previous capture;
// - lookbehind matches right to left: its sequences are compiled in reverse and its
//   characters read the unit before the position;
// - lookarounds are atomic: once one succeeded, nothing in it is retried.
import type { AST, Scope } from './ast.ts';
import { innerScope, unitsOf } from './ast.ts';
import type { Ranges } from './charset.ts';
import { contains } from './charset.ts';

export const Op = {
  CHAR: 0, SPLIT: 1, JMP: 2, OPEN: 3, CLOSE: 4, CLEAR: 5, BOL: 6, EOL: 7, WORD: 8, NOT_WORD: 9,
  BACKREF: 10, LOOK: 11, REP_INIT: 12, REP_ITER: 13, REP_ENTER: 14, REP_END: 15, STAR: 16, MATCH: 17,
} as const;
type OpCode = (typeof Op)[keyof typeof Op];

/** A set of code units, with a table for ASCII (most of what VCL matches). */
export class UnitSet {
  readonly #ascii = new Uint8Array(128);
  readonly #ranges: Ranges;
  constructor(ranges: Ranges) {
    this.#ranges = ranges;
    for (let c = 0; c < 128; c++) this.#ascii[c] = contains(ranges, c) ? 1 : 0;
  }
  has(c: number): boolean {
    return c < 128 ? this.#ascii[c] === 1 : contains(this.#ranges, c);
  }
}

/** One instruction; fields an opcode does not use keep their defaults. */
export interface Inst {
  readonly op: OpCode;
  /** Jump target (SPLIT first choice, JMP, REP_ITER body, REP_END loop), group, or first slot. */
  a: number;
  /** SPLIT second choice, REP_ITER exit, CLEAR's last slot. */
  b: number;
  /** The loop register of REP_* instructions. */
  readonly reg: number;
  readonly min: number;
  readonly max: number;
  readonly greedy: boolean;
  /** Reads right to left (inside a lookbehind). */
  readonly back: boolean;
  /** `^`/`$` also match at line terminators; a backreference compares ignoring case. */
  readonly flag: boolean;
  readonly negate: boolean;
  readonly set: UnitSet | null;
  readonly refs: readonly number[] | null;
  readonly sub: Program | null;
}

export interface Program { readonly insts: readonly Inst[] }

export interface BoundedProgram {
  readonly main: Program;
  /** Capture groups (group 0 excluded). */
  readonly groups: number;
  readonly registers: number;
  /** Every alternative starts with `^` outside multiline mode: only position 0 can match. */
  readonly anchored: boolean;
}

const BASE = { a: 0, b: 0, reg: 0, min: 0, max: 0, greedy: true, back: false, flag: false, negate: false, set: null, refs: null, sub: null };

export function compileBounded(pattern: AST.Pattern, scope: Scope): BoundedProgram {
  const c = new Compiler(pattern);
  const main = c.program(pattern.alternatives, scope, false);
  const anchored = !scope.m && pattern.alternatives.every((a) => {
    const first = a.elements[0];
    return first !== undefined && first.type === 'Assertion' && first.kind === 'start';
  });
  return { main, groups: c.groups.size, registers: c.registers, anchored };
}

class Compiler {
  readonly groups = new Map<AST.CapturingGroup, number>();
  registers = 0;

  constructor(pattern: AST.Pattern) {
    const found: AST.CapturingGroup[] = [];
    const visit = (n: AST.Node): void => {
      if (n.type === 'CapturingGroup') found.push(n);
      if ('alternatives' in n) for (const a of n.alternatives) for (const e of a.elements) visit(e);
      if (n.type === 'Quantifier') visit(n.element);
    };
    visit(pattern);
    found.sort((x, y) => x.start - y.start);
    found.forEach((g, i) => this.groups.set(g, i + 1));
  }

  program(alts: readonly AST.Alternative[], scope: Scope, back: boolean): Program {
    const out: Inst[] = [];
    this.alternatives(out, alts, scope, back);
    emit(out, Op.MATCH);
    return { insts: out };
  }

  alternatives(out: Inst[], alts: readonly AST.Alternative[], scope: Scope, back: boolean): void {
    const jumps: Inst[] = [];
    alts.forEach((alt, i) => {
      const split = i < alts.length - 1 ? emit(out, Op.SPLIT) : null;
      if (split !== null) split.a = out.length;
      const elements = back ? [...alt.elements].reverse() : alt.elements;
      for (const e of elements) this.element(out, e, scope, back);
      if (split !== null) {
        jumps.push(emit(out, Op.JMP));
        split.b = out.length;
      }
    });
    for (const j of jumps) j.a = out.length;
  }

  element(out: Inst[], e: AST.Element, scope: Scope, back: boolean): void {
    switch (e.type) {
      case 'Character': case 'CharacterClass': case 'CharacterSet':
        emit(out, Op.CHAR, { back, set: new UnitSet(unitsOf(e, scope)) });
        return;
      case 'CapturingGroup': {
        const g = this.groups.get(e)!;
        emit(out, Op.OPEN, { a: g });
        this.alternatives(out, e.alternatives, scope, back);
        emit(out, Op.CLOSE, { a: g, back });
        return;
      }
      case 'Group':
        this.alternatives(out, e.alternatives, innerScope(e, scope), back);
        return;
      case 'Assertion':
        if (e.kind === 'start' || e.kind === 'end') emit(out, e.kind === 'start' ? Op.BOL : Op.EOL, { flag: scope.m });
        else if (e.kind === 'word') emit(out, e.negate ? Op.NOT_WORD : Op.WORD);
        else if (e.kind === 'lookahead' || e.kind === 'lookbehind') {
          emit(out, Op.LOOK, { negate: e.negate, sub: this.program(e.alternatives, scope, e.kind === 'lookbehind') });
        }
        return;
      case 'Backreference': {
        const resolved = Array.isArray(e.resolved) ? e.resolved : [e.resolved];
        emit(out, Op.BACKREF, { back, flag: scope.i, refs: resolved.map((g) => this.groups.get(g)!) });
        return;
      }
      case 'Quantifier':
        this.quantifier(out, e, scope, back);
        return;
      default:
        throw new Error(`unexpected ${e.raw} without the v flag`);
    }
  }

  quantifier(out: Inst[], q: AST.Quantifier, scope: Scope, back: boolean): void {
    const el = q.element;
    if (q.max === 0) return;
    const { min, max, greedy } = q;
    if (el.type === 'Character' || el.type === 'CharacterClass' || el.type === 'CharacterSet') {
      emit(out, Op.STAR, { min, max, greedy, back, set: new UnitSet(unitsOf(el, scope)) });
      return;
    }
    const r = this.registers++;
    emit(out, Op.REP_INIT, { reg: r });
    const iterAt = out.length;
    const iter = emit(out, Op.REP_ITER, { reg: r, min, max, greedy });
    iter.a = out.length;
    emit(out, Op.REP_ENTER, { reg: r });
    const inner = [...this.groups].filter(([g]) => g.start >= el.start && g.end <= el.end).map(([, i]) => i);
    if (inner.length > 0) emit(out, Op.CLEAR, { a: 2 * Math.min(...inner), b: 2 * Math.max(...inner) + 1 });
    this.element(out, el, scope, back);
    emit(out, Op.REP_END, { a: iterAt, reg: r, min });
    iter.b = out.length;
  }
}

function emit(out: Inst[], op: OpCode, fields: Partial<Inst> = {}): Inst {
  const inst: Inst = { ...BASE, ...fields, op };
  out.push(inst);
  return inst;
}
