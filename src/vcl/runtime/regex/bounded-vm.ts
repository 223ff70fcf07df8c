// The bounded matcher: runs a BoundedProgram by backtracking, on an explicit stack (no
// recursion but one level per nested lookaround, so a long subject cannot overflow the call
// stack), and counts every instruction and every retry against a budget. Past the budget the
// match stops with RegexLimitError — PCRE's match limit (pcre2_set_match_limit), which
// Varnish sets from pcre2_match_limit and Fastly reports as fastly.error EREGRECUR.
//
// State: `caps` holds each group's start/end (slots 2g, 2g+1; -1 unset) and the position each
// group was entered at (slot openAt + g); `count`/`entry` hold each loop's iterations and the
// position its current iteration started at. Every change pushes its undo on the stack, so
// backtracking to a choice point restores the state exactly as it was there.
import type { BoundedProgram, Inst, Program } from './bounded-program.ts';
import { Op } from './bounded-program.ts';
import { canonicalize, isLineTerminator, isWordUnit } from './charset.ts';

/** A match: [whole match, group 1, …] (undefined for a group that took no part) and its start. */
export type RegexMatch = readonly string[] & { readonly index: number };

/** A bounded match ran out of budget before it could decide (fastly.error EREGRECUR). */
export class RegexLimitError extends Error {
  readonly code = 'EREGRECUR';
  readonly pattern: string;
  readonly limit: number;
  readonly subjectLength: number;
  constructor(pattern: string, limit: number, subjectLength: number) {
    super(`regular expression "${pattern}" exceeded its match limit (${limit} steps)`);
    this.name = 'RegexLimitError';
    this.pattern = pattern;
    this.limit = limit;
    this.subjectLength = subjectLength;
  }
}

const UNDO = 0;      // [UNDO, slot, value, _]: caps[slot] = value
const REG = 1;       // [REG, reg, count, entry]
const BRANCH = 2;    // [BRANCH, pc, pos, _]
const STAR_MORE = 3; // [STAR_MORE, starPc, pos, taken]: lazy star may take one more unit
const STAR_LESS = 4; // [STAR_LESS, starPc, pos, lastPos]: greedy star may give one unit back

class Run {
  readonly s: string;
  readonly caps: number[];
  readonly count: number[];
  readonly entry: number[];
  readonly openAt: number;
  readonly limit: number;
  steps = 0;
  constructor(s: string, p: BoundedProgram, limit: number) {
    this.s = s;
    this.openAt = 2 * (p.groups + 1);
    this.caps = new Array<number>(this.openAt + p.groups + 1).fill(-1);
    this.count = new Array<number>(p.registers).fill(0);
    this.entry = new Array<number>(p.registers).fill(-1);
    this.limit = limit;
  }
}

/** First match at or after `from`; throws RegexLimitError past `limit` steps. */
export function execBounded(p: BoundedProgram, pattern: string, s: string, from: number, limit: number): RegexMatch | null {
  const run = new Run(s, p, limit);
  for (let start = from; start <= s.length; start++) {
    if (p.anchored && start > 0) break;
    run.caps.fill(-1);
    const end = match(p.main, run, start, pattern);
    if (end >= 0) {
      const out: (string | undefined)[] = [s.slice(start, end)];
      for (let g = 1; g <= p.groups; g++) {
        const a = run.caps[2 * g];
        out.push(a < 0 ? undefined : s.slice(a, run.caps[2 * g + 1]));
      }
      return Object.assign(out as string[], { index: start });
    }
  }
  return null;
}

/** Runs `prog` from `pos`; the end position of the first success, or -1. */
function match(prog: Program, run: Run, pos: number, pattern: string): number {
  const { s, caps, count, entry } = run;
  const insts = prog.insts;
  const n = s.length;
  const stack: number[] = [];
  let pc = 0;
  for (;;) {
    if (++run.steps > run.limit) throw new RegexLimitError(pattern, run.limit, s.length);
    const ins = insts[pc];
    let ok = true;
    switch (ins.op) {
      case Op.CHAR:
        if (ins.back ? pos > 0 && ins.set!.has(s.charCodeAt(pos - 1)) : pos < n && ins.set!.has(s.charCodeAt(pos))) {
          pos += ins.back ? -1 : 1;
          pc++;
        } else ok = false;
        break;
      case Op.SPLIT: stack.push(BRANCH, ins.b, pos, 0); pc = ins.a; break;
      case Op.JMP: pc = ins.a; break;
      case Op.OPEN: set(stack, caps, run.openAt + ins.a, pos); pc++; break;
      case Op.CLOSE: {
        const opened = caps[run.openAt + ins.a];
        set(stack, caps, 2 * ins.a, ins.back ? pos : opened);
        set(stack, caps, 2 * ins.a + 1, ins.back ? opened : pos);
        pc++;
        break;
      }
      case Op.CLEAR:
        for (let k = ins.a; k <= ins.b; k++) if (caps[k] !== -1) set(stack, caps, k, -1);
        pc++;
        break;
      case Op.BOL: ok = pos === 0 || (ins.flag && isLineTerminator(s.charCodeAt(pos - 1))); pc++; break;
      case Op.EOL: ok = pos === n || (ins.flag && isLineTerminator(s.charCodeAt(pos))); pc++; break;
      case Op.WORD: case Op.NOT_WORD: {
        const boundary = (pos > 0 && isWordUnit(s.charCodeAt(pos - 1))) !== (pos < n && isWordUnit(s.charCodeAt(pos)));
        ok = boundary === (ins.op === Op.WORD);
        pc++;
        break;
      }
      case Op.BACKREF: {
        const end = backreference(ins, caps, s, pos);
        if (end < 0) ok = false;
        else { pos = end; pc++; }
        break;
      }
      case Op.LOOK: {
        const before = caps.slice();
        const found = match(ins.sub!, run, pos, pattern) >= 0;
        if (found === ins.negate) ok = false;
        // A positive lookaround keeps its captures (undoably); a negative one keeps none.
        for (let k = 0; k < caps.length; k++) {
          if (caps[k] === before[k]) continue;
          const now = caps[k];
          caps[k] = before[k];
          if (ok && !ins.negate) set(stack, caps, k, now);
        }
        pc++;
        break;
      }
      case Op.REP_INIT: saveReg(stack, run, ins.reg); count[ins.reg] = 0; pc++; break;
      case Op.REP_ITER: {
        const c = count[ins.reg];
        if (c < ins.min) pc = ins.a;
        else if (c >= ins.max) pc = ins.b;
        else if (ins.greedy) { stack.push(BRANCH, ins.b, pos, 0); pc = ins.a; }
        else { stack.push(BRANCH, ins.a, pos, 0); pc = ins.b; }
        break;
      }
      case Op.REP_ENTER: saveReg(stack, run, ins.reg); entry[ins.reg] = pos; pc++; break;
      case Op.REP_END:
        if (count[ins.reg] >= ins.min && pos === entry[ins.reg]) { ok = false; break; }
        saveReg(stack, run, ins.reg);
        count[ins.reg]++;
        pc = ins.a;
        break;
      case Op.STAR: {
        const end = star(ins, run, pos, pc, stack);
        if (end < 0) ok = false;
        else { pos = end; pc++; }
        break;
      }
      case Op.MATCH: return pos;
    }
    if (ok) continue;
    // Backtrack: undo changes down to the latest choice point and resume there.
    for (;;) {
      if (stack.length === 0) return -1;
      const z = stack.pop()!; const y = stack.pop()!; const x = stack.pop()!; const tag = stack.pop()!;
      if (tag === UNDO) { caps[x] = y; continue; }
      if (tag === REG) { count[x] = y; entry[x] = z; continue; }
      if (++run.steps > run.limit) throw new RegexLimitError(pattern, run.limit, s.length);
      if (tag === BRANCH) { pc = x; pos = y; break; }
      const starIns = insts[x];
      const step = starIns.back ? -1 : 1;
      if (tag === STAR_LESS) {
        const next = y - step;
        if (next !== z) stack.push(STAR_LESS, x, next, z);
        pc = x + 1; pos = next;
        break;
      }
      // STAR_MORE: the lazy star takes one more unit, if it may and can.
      const at = starIns.back ? y - 1 : y;
      if (z < starIns.max && at >= 0 && at < n && starIns.set!.has(s.charCodeAt(at))) {
        stack.push(STAR_MORE, x, y + step, z + 1);
        pc = x + 1; pos = y + step;
        break;
      }
    }
  }
}

function set(stack: number[], caps: number[], slot: number, value: number): void {
  stack.push(UNDO, slot, caps[slot], 0);
  caps[slot] = value;
}

function saveReg(stack: number[], run: Run, reg: number): void {
  stack.push(REG, reg, run.count[reg], run.entry[reg]);
}

/** A single-unit atom repeated: greedy takes all it can and gives back one at a time. */
function star(ins: Inst, run: Run, pos: number, pc: number, stack: number[]): number {
  const { s } = run;
  const set = ins.set!;
  const step = ins.back ? -1 : 1;
  const limit = ins.greedy ? ins.max : ins.min;
  let taken = 0;
  let p = pos;
  while (taken < limit) {
    const at = ins.back ? p - 1 : p;
    if (at < 0 || at >= s.length || !set.has(s.charCodeAt(at))) break;
    p += step;
    taken++;
  }
  run.steps += taken;
  if (taken < ins.min) return -1;
  if (ins.greedy) {
    const floor = pos + step * ins.min;
    if (p !== floor) stack.push(STAR_LESS, pc, p, floor);
  } else if (taken < ins.max) {
    stack.push(STAR_MORE, pc, p, taken);
  }
  return p;
}

/** ECMA-262 BackreferenceMatcher: the group's text again (empty if it took no part). */
function backreference(ins: Inst, caps: number[], s: string, pos: number): number {
  let g = -1;
  for (const r of ins.refs!) if (caps[2 * r] >= 0) { g = r; break; }
  if (g < 0) return pos;
  const from = caps[2 * g];
  const len = caps[2 * g + 1] - from;
  const at = ins.back ? pos - len : pos;
  if (at < 0 || at + len > s.length) return -1;
  for (let k = 0; k < len; k++) {
    const a = s.charCodeAt(from + k);
    const b = s.charCodeAt(at + k);
    if (a !== b && !(ins.flag && canonicalize(a) === canonicalize(b))) return -1;
  }
  return ins.back ? at : at + len;
}
