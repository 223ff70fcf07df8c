// Writes the generated section of docs/vcl.md (the variables and functions lacquer runs, fixed
// values, what is not supported and why) from src/vcl/language. `--check` only compares: it
// exits 1 when the doc differs from the definition.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from '../src/vcl/language/reference.ts';

const path = join(import.meta.dirname, '../docs/vcl.md');
const doc = readFileSync(path, 'utf8');
const next = withReference(doc);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    process.stderr.write('docs/vcl.md is out of date: run node scripts/vcl-reference.ts\n');
    process.exitCode = 1;
  }
} else if (next !== doc) {
  writeFileSync(path, next);
}
