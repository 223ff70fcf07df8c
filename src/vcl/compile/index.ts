// Public surface of the VCL compiler: a ServiceSource in, a frozen CompiledService out
// (compile.ts), the contract it shares with the edge (compiled.ts), and the control plane's
// validator, which runs the same path (validate.ts).
export { compileService, compileDeclarations } from './compile.ts';
export type { CompileOptions, CompileResult } from './compile.ts';
export type * from './compiled.ts';
export { DEFAULT_MAX_STALE, defaultCacheRequest } from './compiled.ts';
export { vclValidator } from './validate.ts';
export type { ValidatedFile } from './validate.ts';
export { resolveVariable } from './variables.ts';
export type { Variable, VariableEnv } from './variables.ts';
export { compileCatalogue } from './diagnostics.ts';
export type { CompileCode } from './diagnostics.ts';
