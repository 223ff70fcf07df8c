// Public surface of the VCL language definition: value types, Fastly's predefined variables
// and builtin functions as data.
export type { VclType } from './types.ts';
export { ALL_PHASES, LOCAL_TYPES, isAssignable, phaseOfSub, valueType } from './types.ts';
export { VARIABLES, lookupVariable, isVariableName } from './variables.ts';
export type { VariableSpec, VariableMatch } from './variables.ts';
export { FUNCTIONS, lookupFunction, arity } from './functions.ts';
export type { ArgumentSpec, FunctionSpec } from './functions.ts';
