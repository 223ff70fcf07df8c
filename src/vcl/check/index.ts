// Public surface of the VCL checker: a whole program in, diagnostics out (check.ts).
export { check, checkProgram, summarize, checkCatalogue } from './check.ts';
export type { CheckOptions, CheckResult, CheckInput, CheckCode, ProgramFile, ProgramSummary, BackendSummary, DirectorSummary, PropertyValue, Located } from './check.ts';
