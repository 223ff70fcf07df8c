// Public surface of src/vcl, what the rest of lacquer imports (DESIGN.md §2): the syntax
// (lex, parse, print, build), the checker, the compiler and its contract with the edge, the
// runtime pieces the edge reads, and the language definition they all share.
export * from './syntax/index.ts';
export * from './language/index.ts';
export * from './check/index.ts';
export * from './compile/index.ts';
export * from './runtime/index.ts';
