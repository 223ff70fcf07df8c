// The VCL syntax tree: the contract between the parser and everything after it (checker,
// compiler, printer). Shapes follow Fastly's VCL reference
// (https://www.fastly.com/documentation/reference/vcl/declarations/ and …/statements/).
//
// Invariants every consumer may rely on:
// - Every node has `kind` (the discriminant), `start`/`end` (UTF-16 offsets into its file's
//   text, end exclusive) and `comments`. Line:col comes from `SourceFile.position`.
// - Names are kept verbatim: `req.http.X-Forwarded-For`, `F_origin`, `always`, `vcl_recv`.
// - Nothing is resolved or validated here beyond syntax: a backend property name may be
//   unknown, a director type misspelt, a `.probe` may be a number. The checker judges.
// - Each category is a discriminated union (`Declaration`, `Statement`, `Expression`), so
//   `switch (node.kind)` is exhaustive under `strict`.
// - Comments: each comment in the file is attached exactly once, to the node it precedes
//   (`leading`), to the node whose line it ends (`trailing`), or, when it comes last inside
//   braces, to the enclosing node's `innerComments` (`VclFile.endComments` at the end).
//   A comment in the middle of a statement is kept as one of its leading comments.

import type { Expression, Identifier, StringLiteral, CallExpression } from './ast-expr.ts';

// The expression nodes are in ./ast-expr.ts; this module re-exports them.
export type * from './ast-expr.ts';

export interface Comment {
  readonly kind: 'Comment';
  readonly start: number;
  readonly end: number;
  /** The full comment as written, markers included: `# x`, `// x`, `/* x *\/`. */
  readonly text: string;
}

export interface NodeComments {
  readonly leading: readonly Comment[];
  /** A comment that follows the node on its last line. */
  readonly trailing: Comment | null;
}

export interface NodeBase {
  readonly start: number;
  readonly end: number;
  readonly comments: NodeComments;
}

// ─── File and declarations ─────────────────────────────────────────────────────────────

export interface VclFile extends NodeBase {
  readonly kind: 'File';
  /** The file name given to the parser (also the `file` of its diagnostics). */
  readonly file: string;
  readonly declarations: readonly Declaration[];
  /** Comments after the last declaration. */
  readonly endComments: readonly Comment[];
}

export type Declaration =
  | BackendDeclaration
  | DirectorDeclaration
  | TableDeclaration
  | AclDeclaration
  | SubDeclaration
  | IncludeDeclaration
  | ImportDeclaration
  | PragmaDeclaration
  | DirectiveDeclaration
  | RateLimitDeclaration;

/** `backend NAME { .prop = value; … }`. */
export interface BackendDeclaration extends NodeBase {
  readonly kind: 'Backend';
  readonly name: Identifier;
  /** In source order; duplicates are kept (the checker reports them). */
  readonly properties: readonly Property[];
  readonly innerComments: readonly Comment[];
}

/** `.name = value;` in a backend, probe, director or director member. */
export interface Property extends NodeBase {
  readonly kind: 'Property';
  /** Without the leading dot: `host`, `probe`, `ssl_check_cert`. Its range covers the dot. */
  readonly name: Identifier;
  /** `.probe = { … }` gives an ObjectValue; `.request = "a" "b"` a Concat of strings. */
  readonly value: Expression | ObjectValue;
}

/** `{ .prop = value; … }`, the value of `.probe` (and, in error, of any property). */
export interface ObjectValue extends NodeBase {
  readonly kind: 'Object';
  readonly properties: readonly Property[];
  readonly innerComments: readonly Comment[];
}

/** `director NAME TYPE { .quorum = 50%; { .backend = F_a; .weight = 1; } … }`. */
export interface DirectorDeclaration extends NodeBase {
  readonly kind: 'Director';
  readonly name: Identifier;
  /** `random`, `fallback`, `hash`, `client`, `chash`, … as written. */
  readonly type: Identifier;
  /** Director-level properties, in source order. */
  readonly properties: readonly Property[];
  /** Members, in source order. (The printer writes properties first, then members.) */
  readonly members: readonly DirectorMember[];
  readonly innerComments: readonly Comment[];
}

/** `{ .backend = F_a; .weight = 1; }` inside a director. */
export interface DirectorMember extends NodeBase {
  readonly kind: 'DirectorMember';
  readonly properties: readonly Property[];
  readonly innerComments: readonly Comment[];
}

/** `table NAME [TYPE] { "key": value, … }`. */
export interface TableDeclaration extends NodeBase {
  readonly kind: 'Table';
  readonly name: Identifier;
  /** `STRING` (the default when absent), `BOOL`, `INTEGER`, `BACKEND`, `RTIME`, … as written. */
  readonly type: Identifier | null;
  readonly entries: readonly TableEntry[];
  readonly innerComments: readonly Comment[];
}

export interface TableEntry extends NodeBase {
  readonly kind: 'TableEntry';
  readonly key: StringLiteral;
  readonly value: Expression;
}

/** `acl NAME { "10.0.0.0"/8; !"10.1.0.0"/16; }`. */
export interface AclDeclaration extends NodeBase {
  readonly kind: 'Acl';
  readonly name: Identifier;
  readonly entries: readonly AclEntry[];
  readonly innerComments: readonly Comment[];
}

export interface AclEntry extends NodeBase {
  readonly kind: 'AclEntry';
  /** `!"…"`: excluded from the ACL. */
  readonly negated: boolean;
  readonly address: StringLiteral;
  /** The prefix length after `/`, or null for a single address. */
  readonly mask: number | null;
}

/** `sub NAME [TYPE] { … }`; TYPE is Fastly's return type of a custom subroutine. */
export interface SubDeclaration extends NodeBase {
  readonly kind: 'Sub';
  readonly name: Identifier;
  readonly returnType: Identifier | null;
  readonly body: Block;
}

/** `include "name";` — resolution is done by `parseWithIncludes` (include.ts). */
export interface IncludeDeclaration extends NodeBase {
  readonly kind: 'Include';
  readonly path: StringLiteral;
}

/** `import name;` */
/**
 * `penaltybox NAME { }` and `ratecounter NAME { }`: Fastly's edge rate limiting
 * (https://www.fastly.com/documentation/reference/vcl/declarations/penaltybox/, …/ratecounter/);
 * the body is empty in Fastly's VCL.
 */
export interface RateLimitDeclaration extends NodeBase {
  readonly kind: 'Penaltybox' | 'Ratecounter';
  readonly name: Identifier;
  readonly innerComments: readonly Comment[];
}

export interface ImportDeclaration extends NodeBase {
  readonly kind: 'Import';
  readonly name: Identifier;
}

/** `pragma optional_param geoip_opt_in true;` — `words` are the tokens after `pragma`, verbatim. */
export interface PragmaDeclaration extends NodeBase {
  readonly kind: 'Pragma';
  readonly words: readonly string[];
}

/** The `C!` and `W!` lines of Fastly's generated VCL, kept so a fetched generated VCL reparses. */
export interface DirectiveDeclaration extends NodeBase {
  readonly kind: 'Directive';
  readonly name: 'C!' | 'W!';
}

// ─── Statements ────────────────────────────────────────────────────────────────────────

export type Statement =
  | SetStatement
  | AddStatement
  | UnsetStatement
  | IfStatement
  | ReturnStatement
  | ErrorStatement
  | SyntheticStatement
  | DeclareStatement
  | CallStatement
  | LogStatement
  | RestartStatement
  | EsiStatement
  | GotoStatement
  | LabelStatement
  | Block
  | FastlyMacro
  | FunctionCallStatement;

export type AssignmentOperator =
  | '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '|=' | '&=' | '^='
  | '<<=' | '>>=' | 'rol=' | 'ror=' | '&&=' | '||=';

/** `{ … }`: a subroutine body, an if branch, or a bare block statement. */
export interface Block extends NodeBase {
  readonly kind: 'Block';
  readonly statements: readonly Statement[];
  readonly innerComments: readonly Comment[];
}

/** `set TARGET OP value;` */
export interface SetStatement extends NodeBase {
  readonly kind: 'Set';
  readonly target: Identifier;
  readonly operator: AssignmentOperator;
  readonly value: Expression;
}

/** `add req.http.X = value;` (appends a header line rather than replacing it). */
export interface AddStatement extends NodeBase {
  readonly kind: 'Add';
  readonly target: Identifier;
  readonly operator: AssignmentOperator;
  readonly value: Expression;
}

/** `unset TARGET;` or its synonym `remove TARGET;` (keyword kept as written). */
export interface UnsetStatement extends NodeBase {
  readonly kind: 'Unset';
  readonly keyword: 'unset' | 'remove';
  readonly target: Identifier;
}

/** `if (c) { … } elsif (c) { … } else { … }`. */
export interface IfStatement extends NodeBase {
  readonly kind: 'If';
  readonly condition: Expression;
  readonly consequent: Block;
  readonly elseIfs: readonly ElseIfClause[];
  readonly alternate: ElseClause | null;
}

export interface ElseIfClause extends NodeBase {
  readonly kind: 'ElseIf';
  /** As written: Fastly accepts all three spellings. */
  readonly keyword: 'elsif' | 'elseif' | 'else if';
  readonly condition: Expression;
  readonly body: Block;
}

export interface ElseClause extends NodeBase {
  readonly kind: 'Else';
  readonly body: Block;
}

/**
 * `return;`, `return(lookup);`, `return lookup;`, or `return expr;` in a typed custom sub.
 * An action such as `lookup` is an Identifier.
 */
export interface ReturnStatement extends NodeBase {
  readonly kind: 'Return';
  readonly value: Expression | null;
  readonly parenthesized: boolean;
}

/** `error;`, `error 503;`, `error 503 "Service Unavailable";` */
export interface ErrorStatement extends NodeBase {
  readonly kind: 'Error';
  readonly status: Expression | null;
  readonly message: Expression | null;
}

/** `synthetic EXPR;` or `synthetic.base64 EXPR;` */
export interface SyntheticStatement extends NodeBase {
  readonly kind: 'Synthetic';
  readonly base64: boolean;
  readonly value: Expression;
}

/** `declare local var.name TYPE;` */
export interface DeclareStatement extends NodeBase {
  readonly kind: 'Declare';
  readonly name: Identifier;
  readonly type: Identifier;
}

/** `call NAME;` */
export interface CallStatement extends NodeBase {
  readonly kind: 'Call';
  readonly subroutine: Identifier;
}

/** `log EXPR;` */
export interface LogStatement extends NodeBase {
  readonly kind: 'Log';
  readonly value: Expression;
}

export interface RestartStatement extends NodeBase {
  readonly kind: 'Restart';
}

export interface EsiStatement extends NodeBase {
  readonly kind: 'Esi';
}

/** `goto NAME;` */
export interface GotoStatement extends NodeBase {
  readonly kind: 'Goto';
  readonly label: Identifier;
}

/** `NAME:` — a goto target. `name` is without the colon. */
export interface LabelStatement extends NodeBase {
  readonly kind: 'Label';
  readonly name: string;
}

/** `#FASTLY recv` — where Fastly inserts its generated code for the phase. */
export interface FastlyMacro extends NodeBase {
  readonly kind: 'FastlyMacro';
  /** `recv`, `fetch`, … as written. */
  readonly phase: string;
}

/** `h2.push("/a.css");` — a function called for its effect (Fastly allows VOID calls). */
export interface FunctionCallStatement extends NodeBase {
  readonly kind: 'FunctionCallStatement';
  readonly call: CallExpression;
}

/** Any node of the tree. */
export type Node =
  | VclFile | Declaration | Property | ObjectValue | DirectorMember | TableEntry | AclEntry
  | Statement | ElseIfClause | ElseClause | Expression;
