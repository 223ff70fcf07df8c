// The V8 settings the linear engine (regex/index.ts) depends on, applied to every process that
// compiles VCL: the serving processes get them at start (src/process/v8-flags.ts), any other
// (the control plane validating a version, `lacquer vcl`, tests) when it compiles its first
// regular expression. V8 reads both when a RegExp is created, so setting them before the
// first VCL pattern is compiled is enough.
//
// --enable-experimental-regexp-engine: recognises the `l` flag, with which linear.ts asks V8
//   whether its linear-time engine can run a pattern (a SyntaxError when it cannot).
// --enable-experimental-regexp-engine-on-excessive-backtracks: a RegExp the linear engine can
//   run switches to it once its backtracking engine has backtracked
//   --regexp-backtracks-before-fallback times (V8's default, 50,000) in one match. Until
//   then nothing changes: the common, fast match never pays for the guarantee.
import v8 from 'node:v8';

export const REGEX_V8_FLAGS: readonly string[] = [
  '--enable-experimental-regexp-engine',
  '--enable-experimental-regexp-engine-on-excessive-backtracks',
];

let applied = false;

export function applyRegexV8Flags(): void {
  if (applied) return;
  for (const flag of REGEX_V8_FLAGS) v8.setFlagsFromString(flag);
  applied = true;
}
