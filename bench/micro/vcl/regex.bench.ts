// Per-match cost of VCL regular expressions on the engines (src/vcl/runtime/regex/) against
// how lacquer matched before them: one RegExp of the translated pattern. Typical VCL work on
// the hit path — URL prefix and extension matches, (?i) host matches, a cookie capture, a
// querystring regsuball — and two patterns only the bounded engine runs (a lookahead, a
// backreference). Old and new are measured in alternating rounds; the median of each is
// printed with the ratio new / old (above 1: the new engine is faster). Asserts nothing.
//
//   node bench/micro/vcl/regex.bench.ts
import { performance } from 'node:perf_hooks';
import { compileRegex, parseReplacement, regsuball, translatePcre } from '../../../src/vcl/runtime/regex/index.ts';
import type { RegexMatch, VclRegex } from '../../../src/vcl/runtime/regex/index.ts';

interface Case {
  readonly name: string;
  readonly pattern: string;
  readonly subjects: readonly string[];
  /** A regsuball replacement; a plain match (`~`) when absent. */
  readonly replace?: string;
}

const CASES: readonly Case[] = [
  { name: 'URL prefix', pattern: '^/api/v[0-9]+/', subjects: ['/api/v2/users/42', '/static/app.js', '/api/users'] },
  { name: 'URL extension', pattern: '\\.(jpe?g|png|gif|webp|css|js)(\\?.*)?$', subjects: ['/static/app.js?v=123', '/img/hero.jpeg', '/about/team'] },
  { name: '(?i) host', pattern: '(?i)^(www\\.)?example\\.(com|org)$', subjects: ['WWW.Example.com', 'example.org', 'api.example.net'] },
  { name: '(?i) user agent', pattern: '(?i)(mobile|android|iphone|ipad)', subjects: ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0'] },
  { name: 'hex asset name', pattern: '^/assets/[0-9a-f]{32}\\.js$', subjects: [`/assets/${'3fa9'.repeat(8)}.js`, '/assets/app.js'] },
  { name: 'cookie capture', pattern: '(^|;\\s*)session=([^;]*)', subjects: ['_ga=GA1.2.3; session=abc123def; theme=dark', 'theme=dark'] },
  { name: 'querystring regsuball', pattern: '(^|&)utm_[a-z]+=[^&]*', replace: '', subjects: ['id=42&utm_source=news&utm_medium=email&page=2', 'id=42&page=2'] },
  { name: 'lookahead (bounded)', pattern: '^/(?!api/|static/)([^/]+)/', subjects: ['/blog/2024/post', '/api/v1/x', '/static/app.js'] },
  { name: 'backreference (bounded)', pattern: '^/(\\w+)/\\1/', subjects: ['/en/en/page', '/en/fr/page'] },
];

const ROUNDS = 7;
const ITERATIONS = 200_000;

type Runner = (subject: string) => number;

function oldRunner(c: Case): Runner {
  const t = translatePcre(c.pattern);
  if ('error' in t) throw new Error(t.error);
  const re = new RegExp(t.source, t.flags + (c.replace === undefined ? '' : 'g'));
  if (c.replace === undefined) return (s) => (re.exec(s) === null ? 0 : 1);
  const expand = parseReplacement(c.replace);
  return (s) => {
    // How regsuball ran on RegExp before the engines.
    re.lastIndex = 0;
    let out = '';
    let last = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      out += s.slice(last, m.index) + expand(m);
      last = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    return (out + s.slice(last)).length;
  };
}

function newRunner(c: Case): { run: Runner; engine: string } {
  const r = compileRegex(c.pattern);
  if (!r.ok) throw new Error(r.message);
  const re: VclRegex = r.regex;
  if (c.replace === undefined) return { run: (s) => (re.exec(s, 0) === null ? 0 : 1), engine: re.engine };
  const expand: (m: RegexMatch) => string = parseReplacement(c.replace);
  return { run: (s) => regsuball(s, re, expand).length, engine: re.engine };
}

/** Matches per second over ITERATIONS subjects. */
function rate(run: Runner, subjects: readonly string[]): number {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) sink += run(subjects[i % subjects.length]);
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink);
  return ITERATIONS / (ms / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (ops: number): string => `${(ops / 1e6).toFixed(2)} M/s`;

console.log(`${'case'.padEnd(26)} ${'engine'.padEnd(8)} ${'before'.padStart(10)} ${'now'.padStart(10)}  now/before`);
for (const c of CASES) {
  const before = oldRunner(c);
  const now = newRunner(c);
  for (const s of c.subjects) if (before(s) !== now.run(s)) throw new Error(`${c.name}: engines disagree on ${s}`);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(rate(before, c.subjects));
    b.push(rate(now.run, c.subjects));
  }
  const [old, cur] = [median(a), median(b)];
  console.log(`${c.name.padEnd(26)} ${now.engine.padEnd(8)} ${fmt(old).padStart(10)} ${fmt(cur).padStart(10)}  ${(cur / old).toFixed(2)}×`);
}
