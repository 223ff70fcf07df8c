// Flat config: typescript-eslint's recommended rules plus the two project rules that
// keep the architecture honest (DESIGN.md §1): no `any`, and edge/health never reach
// into the control plane.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['src/cli/**', 'bin/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The npm "bin" launcher runs under whatever Node the system has, so it is CommonJS.
    files: ['bin/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', setTimeout: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/edge/**', 'src/health/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/control/**', '**/control', '**/store/**', '**/store'], message: 'edge/ and health/ must not import the control plane (DESIGN.md §1).' }],
      }],
    },
  },
  {
    // Node defines these globals as accessors, so every use runs a getter (~20 ns): on the
    // request path, import them instead.
    files: ['src/edge/**', 'src/vcl/runtime/**'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'Buffer', message: "import { Buffer } from 'node:buffer' (the global is an accessor)." },
        { name: 'performance', message: "import { performance } from 'node:perf_hooks' (the global is an accessor)." },
        { name: 'process', message: "import process from 'node:process' (the global is an accessor)." },
      ],
    },
  },
);
