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

/**
 * The state of one match, kept between matches of one pattern: a match runs to its end
 * without yielding, so one set of arrays serves them all (no allocation per request).
 */
class Run {
  s = '';
  steps = 0;
  readonly caps: number[];
  readonly count: number[];
  readonly entry: number[];
  readonly openAt: number;
  readonly limit: number;
  readonly pattern: string;
  /** One backtrack stack, and one copy of `caps`, per lookaround depth. */
  readonly stacks: number[][] = [];
  readonly saved: number[][] = [];
  depth = 0;
  constructor(p: BoundedProgram, pattern: string, limit: number) {
    this.openAt = 2 * (p.groups + 1);
    this.caps = new Array<number>(this.openAt + p.groups + 1).fill(-1);
    this.count = new Array<number>(p.registers).fill(0);
    this.entry = new Array<number>(p.registers).fill(-1);
    this.limit = limit;
    this.pattern = pattern;
  }
}

/** A matcher for `p`: the first match at or after `from`; throws RegexLimitError past `limit` steps. */
export function boundedMatcher(p: BoundedProgram, pattern: string, limit: number): (s: string, from: number) => RegexMatch | null {
  const run = new Run(p, pattern, limit);
  return (s, from) => {
    run.s = s;
    run.steps = 0;
    run.depth = 0;
    try {
      for (let start = from; start <= s.length; start++) {
        if (p.anchored && start > 0) break;
        run.caps.fill(-1);
        const end = match(p.main, run, start);
        if (end >= 0) return result(run, p.groups, start, end);
      }
      return null;
    } finally {
      run.s = '';
    }
  };
}

function result(run: Run, groups: number, start: number, end: number): RegexMatch {
  const { s, caps } = run;
  const out: (string | undefined)[] = [s.slice(start, end)];
  for (let g = 1; g <= groups; g++) out.push(caps[2 * g] < 0 ? undefined : s.slice(caps[2 * g], caps[2 * g + 1]));
  return Object.assign(out as string[], { index: start });
}

/** Runs `prog` from `pos`; the end position of the first success, or -1. */
function match(prog: Program, run: Run, pos: number): number {
  const { s, caps, count, entry } = run;
  const insts = prog.insts;
  const n = s.length;
  const stack = run.stacks[run.depth] ?? (run.stacks[run.depth] = []);
  // The backtrack stack: entries of four numbers, [tag, x, y, z], below `sp`.
  let sp = 0;
  let pc = 0;
  for (;;) {
    if (++run.steps > run.limit) throw new RegexLimitError(run.pattern, run.limit, n);
    const ins = insts[pc];
    let ok = true;
    switch (ins.op) {
      case Op.CHAR:
        if (ins.back ? pos > 0 && ins.set!.has(s.charCodeAt(pos - 1)) : pos < n && ins.set!.has(s.charCodeAt(pos))) {
          pos += ins.back ? -1 : 1;
          pc++;
        } else ok = false;
        break;
      case Op.SPLIT: sp = push(stack, sp, BRANCH, ins.b, pos, 0); pc = ins.a; break;
      case Op.JMP: pc = ins.a; break;
      case Op.OPEN: sp = set(stack, sp, caps, run.openAt + ins.a, pos); pc++; break;
      case Op.CLOSE: {
        const opened = caps[run.openAt + ins.a];
        sp = set(stack, sp, caps, 2 * ins.a, ins.back ? pos : opened);
        sp = set(stack, sp, caps, 2 * ins.a + 1, ins.back ? opened : pos);
        pc++;
        break;
      }
      case Op.CLEAR:
        for (let k = ins.a; k <= ins.b; k++) if (caps[k] !== -1) sp = set(stack, sp, caps, k, -1);
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
        const before = run.saved[run.depth] ?? (run.saved[run.depth] = []);
        for (let k = 0; k < caps.length; k++) before[k] = caps[k];
        run.depth++;
        const found = match(ins.sub!, run, pos) >= 0;
        run.depth--;
        if (found === ins.negate) ok = false;
        // A positive lookaround keeps its captures (undoably); a negative one keeps none.
        for (let k = 0; k < caps.length; k++) {
          if (caps[k] === before[k]) continue;
          const now = caps[k];
          caps[k] = before[k];
          if (ok && !ins.negate) sp = set(stack, sp, caps, k, now);
        }
        pc++;
        break;
      }
      case Op.REP_INIT: sp = push(stack, sp, REG, ins.reg, count[ins.reg], entry[ins.reg]); count[ins.reg] = 0; pc++; break;
      case Op.REP_ITER: {
        const c = count[ins.reg];
        if (c < ins.min) pc = ins.a;
        else if (c >= ins.max) pc = ins.b;
        else if (ins.greedy) { sp = push(stack, sp, BRANCH, ins.b, pos, 0); pc = ins.a; }
        else { sp = push(stack, sp, BRANCH, ins.a, pos, 0); pc = ins.b; }
        break;
      }
      case Op.REP_ENTER: sp = push(stack, sp, REG, ins.reg, count[ins.reg], entry[ins.reg]); entry[ins.reg] = pos; pc++; break;
      case Op.REP_END:
        if (count[ins.reg] >= ins.min && pos === entry[ins.reg]) { ok = false; break; }
        sp = push(stack, sp, REG, ins.reg, count[ins.reg], entry[ins.reg]);
        count[ins.reg]++;
        pc = ins.a;
        break;
      case Op.STAR: {
        // A single-unit atom repeated: greedy takes all it may and gives back one unit at a
        // time (STAR_LESS); lazy takes its minimum and one more at a time (STAR_MORE).
        const set = ins.set!;
        const step = ins.back ? -1 : 1;
        const most = ins.greedy ? ins.max : ins.min;
        let taken = 0;
        let p = pos;
        for (; taken < most; taken++) {
          const at = ins.back ? p - 1 : p;
          if (at < 0 || at >= n || !set.has(s.charCodeAt(at))) break;
          p += step;
        }
        run.steps += taken;
        if (taken < ins.min) { ok = false; break; }
        if (ins.greedy) {
          const floor = pos + step * ins.min;
          if (p !== floor) sp = push(stack, sp, STAR_LESS, pc, p, floor);
        } else if (taken < ins.max) {
          sp = push(stack, sp, STAR_MORE, pc, p, taken);
        }
        pos = p;
        pc++;
        break;
      }
      case Op.MATCH: return pos;
    }
    if (ok) continue;
    // Backtrack: undo changes down to the latest choice point and resume there.
    for (;;) {
      if (sp === 0) return -1;
      sp -= 4;
      const tag = stack[sp]; const x = stack[sp + 1]; const y = stack[sp + 2]; const z = stack[sp + 3];
      if (tag === UNDO) { caps[x] = y; continue; }
      if (tag === REG) { count[x] = y; entry[x] = z; continue; }
      if (++run.steps > run.limit) throw new RegexLimitError(run.pattern, run.limit, n);
      if (tag === BRANCH) { pc = x; pos = y; break; }
      const star = insts[x];
      const step = star.back ? -1 : 1;
      if (tag === STAR_LESS) {
        const next = y - step;
        if (next !== z) sp = push(stack, sp, STAR_LESS, x, next, z);
        pc = x + 1; pos = next;
        break;
      }
      // STAR_MORE: the lazy star takes one more unit, if it may and can.
      const at = star.back ? y - 1 : y;
      if (z < star.max && at >= 0 && at < n && star.set!.has(s.charCodeAt(at))) {
        sp = push(stack, sp, STAR_MORE, x, y + step, z + 1);
        pc = x + 1; pos = y + step;
        break;
      }
    }
  }
}

function push(stack: number[], sp: number, tag: number, x: number, y: number, z: number): number {
  stack[sp] = tag; stack[sp + 1] = x; stack[sp + 2] = y; stack[sp + 3] = z;
  return sp + 4;
}

/** Sets a capture slot, leaving its undo on the stack. */
function set(stack: number[], sp: number, caps: number[], slot: number, value: number): number {
  const top = push(stack, sp, UNDO, slot, caps[slot], 0);
  caps[slot] = value;
  return top;
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
