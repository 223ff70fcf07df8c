// Public surface of the VCL language definition: value types, Fastly's predefined variables
// and builtin functions as data.
export type { VclType } from './types.ts';
export { LOCAL_TYPES, isAssignable, valueType } from './types.ts';
export { PHASES, SUBROUTINES, TRANSITIONS, ALLOWED_ACTIONS, ALL_RETURNS, subroutine, subroutineOf, phaseOfSub, macroStatements } from './subroutines.ts';
export type { Phase, Action, UnsupportedAction, RequestState, SubroutineSpec, MacroLocal } from './subroutines.ts';
export { VARIABLES, lookupVariable, isVariableName, isRun, accessorsOf } from './variables.ts';
export type { VariableSpec, VariableMatch, VariableUse, Accessors, Implementation, AccessMode } from './variables.ts';
export { FUNCTIONS, lookupFunction, arity } from './functions.ts';
export type { ArgumentSpec, FunctionSpec } from './functions.ts';
