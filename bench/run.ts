// `npm run bench [filter]`: runs every bench/**/*.bench.ts (or those whose path contains the
// filter) one after another, each in its own Node process so they don't disturb each other.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const filter = process.argv[2] ?? '';
const files = globSync('bench/**/*.bench.ts').filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no bench matches "${filter}"`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(3)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
