// The call graph of a program's subroutines: which custom subroutines each `vcl_*` subroutine
// reaches through `call` (or `name()` for a subroutine with a return type), so that a custom
// subroutine is checked with the permissions of every phase that calls it (as Varnish's
// lib/libvcc/vcc_xref.c vcc_CheckUses), unknown callees, and recursion, which Fastly rejects
// ("Fastly VCL does not support recursion", subroutines reference).
import type * as A from '../syntax/ast.ts';
import type { Phase } from '../language/subroutines.ts';
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SubSummary } from './summary.ts';
import type { SourceFile } from '../syntax/source.ts';
import * as C from './catalogue.ts';
import type { Unresolved } from './external.ts';
import { phaseOfSub } from '../language/subroutines.ts';

export interface CallSite {
  readonly callee: string;
  /** The callee's name as written (`call NAME;` or `NAME()` for a typed subroutine). */
  readonly at: A.Identifier;
  /** `NAME()` in an expression: a builtin function unless a subroutine has that name. */
  readonly inExpression: boolean;
}

function expressionCalls(e: A.Expression, sites: CallSite[]): void {
  switch (e.kind) {
    case 'FunctionCall':
      sites.push({ callee: e.callee.name, at: e.callee, inExpression: true });
      for (const a of e.arguments) expressionCalls(a, sites);
      break;
    case 'Binary': expressionCalls(e.left, sites); expressionCalls(e.right, sites); break;
    case 'Concat': for (const p of e.parts) expressionCalls(p, sites); break;
    case 'Unary': expressionCalls(e.operand, sites); break;
    case 'IfExpression': expressionCalls(e.condition, sites); expressionCalls(e.then, sites); expressionCalls(e.otherwise, sites); break;
    case 'Group': expressionCalls(e.expression, sites); break;
    default: break;
  }
}

/** Every `call` statement and function call in a block, nested blocks and branches included. */
export function callSites(block: A.Block): CallSite[] {
  const sites: CallSite[] = [];
  const expr = (e: A.Expression | null): void => { if (e !== null) expressionCalls(e, sites); };
  const walk = (statements: readonly A.Statement[]): void => {
    for (const s of statements) {
      switch (s.kind) {
        case 'Call': sites.push({ callee: s.subroutine.name, at: s.subroutine, inExpression: false }); break;
        case 'Block': walk(s.statements); break;
        case 'If':
          expr(s.condition);
          walk(s.consequent.statements);
          for (const e of s.elseIfs) { expr(e.condition); walk(e.body.statements); }
          if (s.alternate !== null) walk(s.alternate.body.statements);
          break;
        case 'Set': case 'Add': case 'Synthetic': case 'Log': expr(s.value); break;
        case 'Return': expr(s.value); break;
        case 'Error': expr(s.status); expr(s.message); break;
        case 'FunctionCallStatement': expr(s.call); break;
        default: break;
      }
    }
  };
  walk(block.statements);
  return sites;
}

export interface CallGraph {
  /** The phases each subroutine runs in: its own for `vcl_*`, its callers' for a custom one. */
  readonly phases: ReadonlyMap<string, ReadonlySet<Phase>>;
  /** Subroutines that some `call` names. */
  readonly called: ReadonlySet<string>;
}

/**
 * Builds the graph, reporting calls of undeclared subroutines and each cycle (once, at the
 * `call` that closes it).
 */
export function buildCallGraph(subs: ReadonlyMap<string, SubSummary>, out: Diagnostic[], unresolved: Unresolved): CallGraph {
  const edges = new Map<string, (CallSite & { readonly source: SourceFile })[]>();
  const called = new Set<string>();
  for (const [name, { parts }] of subs) {
    const own: (CallSite & { readonly source: SourceFile })[] = [];
    for (const { node, source } of parts) {
      for (const s of callSites(node.body)) {
        if (subs.has(s.callee)) { called.add(s.callee); own.push({ ...s, source }); }
        else if (!s.inExpression) unresolved(source, s.at, 'subroutine', s.callee);
      }
    }
    edges.set(name, own);
  }

  // Cycle detection: depth-first, colouring nodes; a back edge closes a cycle.
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const site of edges.get(name) ?? []) {
      const s = state.get(site.callee);
      if (s === 'active') {
        const chain = [...stack.slice(stack.indexOf(site.callee)), site.callee];
        out.push(C.recursion(site.source, site.at, chain));
      } else if (s === undefined) {
        visit(site.callee);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of subs.keys()) if (!state.has(name)) visit(name);

  const phases = new Map<string, Set<Phase>>();
  for (const name of subs.keys()) phases.set(name, new Set());
  for (const name of subs.keys()) {
    const phase = phaseOfSub(name);
    if (phase === null) continue;
    const seen = new Set<string>();
    const reach = (n: string): void => {
      if (seen.has(n)) return;
      seen.add(n);
      phases.get(n)!.add(phase);
      for (const site of edges.get(n) ?? []) reach(site.callee);
    };
    reach(name);
  }
  return { phases, called };
}
