// The engines against the oracle: for real-world-style VCL patterns and generated subjects,
// every match, capture group and substitution must be exactly what the RegExp of the
// translated pattern gives (how lacquer matched before the engines existed). Subjects are
// short, so the oracle always answers quickly. Both engines are checked on every pattern:
// the one compileRegex picks, and the bounded matcher forced on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRegex, parseReplacement, regsub, regsuball, translatePcre } from '../../../src/vcl/runtime/regex/index.ts';
import type { RegexMatch, VclRegex } from '../../../src/vcl/runtime/regex/index.ts';
import { compileBounded } from '../../../src/vcl/runtime/regex/bounded-program.ts';
import { boundedMatcher } from '../../../src/vcl/runtime/regex/bounded-vm.ts';
import { parsePattern, scopeOf } from '../../../src/vcl/runtime/regex/ast.ts';

/** Patterns, each with subjects it is written for (the generator also mutates them). */
const PATTERNS: readonly (readonly [string, readonly string[]])[] = [
  // URL paths and extensions
  ['^/api/', ['/api/v1/users', '/apix']],
  ['^/(en|fr|de)(/.*)?$', ['/en', '/fr/about', '/es/x']],
  ['\\.(jpe?g|png|gif|webp|svg|css|js)(\\?.*)?$', ['/a/b.jpg', '/x.css?v=1', '/x.jsx']],
  ['(?i)\\.(JPE?G|PNG)$', ['/a/B.Jpeg', '/x.png', '/x.pngs']],
  ['^/bins/([0-9a-f]+)', ['/bins/0af9', '/bins/xyz']],
  ['^/([^/])+/foo', ['/abc/foo', '//foo']],
  ['^/static/[0-9a-f]{32}\\.(js|css)$', [`/static/${'0a1b'.repeat(8)}.js`, `/static/${'0a1b'.repeat(8)}0.css`]],
  ['^/admin(/.*)?\\z', ['/admin', '/admin/users', '/admin\n', '/administrator']],
  ['^(jpe?g|png|gif)\\z', ['jpg', 'jpeg\n', 'gif']],
  ['^(?:/+[^/]+){2,}$', ['/a/b', '//a', '/a//b/c']],
  ['^/v(\\d{1,3})/(\\w+)', ['/v1/users', '/v1234/x', '/v22/']],
  ['/+$', ['/a//', '/']],
  ['(?i)^/Section/([a-z0-9_-]{1,20})', ['/section/Intro_1', '/SECTION/', '/Section/abcdefghijklmnopqrstuvwxyz']],
  // hosts
  ['^www\\.', ['www.example.com', 'wwwx']],
  ['(?i)^(www\\.)?example\\.(com|org)$', ['WWW.Example.COM', 'example.org', 'www.example.net']],
  ['(?i)^[a-z0-9-]+\\.example\\.com$', ['api-1.Example.com', 'WWW.EXAMPLE.COM', 'a.example.com', '.example.com']],
  // query strings (regsuball)
  ['[?&]utm_[a-z]+=[^&]*', ['/p?utm_source=x&utm_medium=y&id=3', '/p?id=1']],
  ['(\\?|&)(fbclid|gclid)=[^&]*&?', ['/p?fbclid=abc&x=1', '/p?x=1&gclid=z']],
  ['^([^?]*)\\?(.*)$', ['/p?a=1', '/p', '/p?']],
  ['[?&]$', ['/p?', '/p?a=1&']],
  ['([?&])[^=&]*=(&|$)', ['/p?a=&b=1', '/p?a=1&b=']],
  // headers and cookies
  ['(?i)(mobile|android|iphone)', ['Mozilla/5.0 (iPhone; CPU)', 'Android Mobile', 'desktop']],
  ['(?i)bot|crawl|spider', ['Googlebot/2.1', 'Spider', 'human']],
  ['(^|;\\s*)session=([^;]*)', ['a=1; session=abc; b=2', 'session=', 'xsession=1']],
  ['^\\s*([^,;]+)', ['  gzip, deflate', 'text/html;q=1']],
  ['(?i)^bearer\\s+(\\S+)$', ['Bearer abc.def', 'BEARER t0k3n', 'bearer  x y']],
  // catastrophic on backtracking engines: subjects are kept short for the oracle's sake
  ['^(a+)+$', ['aaaa', 'aaab']],
  ['(x|x)*y', ['xxxy', 'xxx']],
  ['^(\\s*,?\\s*\\w+)*$', ['a, b,c', 'a, b,']],
  // what only the bounded engine runs
  ['^/(?!api/)([^/]+)', ['/www/x', '/api/x', '/apix/y']],
  ['(?i)^/(?!static)', ['/Static/x', '/img/x']],
  ['(\\w+)=\\1', ['a=a', 'key=keyx', 'ab=b']],
  ['(?P<id>\\d+)-(?P=id)', ['12-12', '12-13', 'x1-1']],
  ['(?<=/)(\\w+)(?=/)', ['/a/b/', '/a']],
  ['^(?=.*a)(?=.*b).*$', ['xbxa', 'aaa']],
  ['abc\\Z', ['abc', 'abc\n', 'abc\nx']],
  ['(?i)(a)(?:\\1)+', ['aAa', 'ab']],
  // options and PCRE spellings
  ['(?s)^a.*b$', ['a\nb', 'ab\n']],
  ['(?m)^x$', ['a\nx\nb', 'xx']],
  ['(?m)^a\\z', ['b\na', 'a\nb']],
  ['\\Aabc', ['abcd', 'xabc']],
  ['a\\hb', ['a b', 'a\tb', 'a\nb']],
  ['[[:alpha:]]+[[:digit:]]*', ['abc123', '123']],
  ['[]a]+', [']a]', 'b']],
  ['(?i)[^[:lower:]]+', ['abcDEF1', 'xyz']],
  // ECMAScript corners both engines must keep: captures cleared per iteration, empty
  // iterations, lazy and counted loops, captures seen from lookbehind and lookahead
  ['^(?:(a)|b)*$', ['ab', 'aab', 'ba']],
  ['(?:(x)|y)+z', ['xyz', 'yxz', 'yz']],
  ['(a|ab)(c|bcd)(d*)', ['abcd', 'acd']],
  ['(a*)*b', ['aab', 'b']],
  ['(a?)*?c', ['aac', 'c']],
  ['(?:a|())*', ['aa', '']],
  ['(ab){2,3}?(x)?', ['ababx', 'abababx']],
  ['(?<=(a)(b)?)c', ['abc', 'ac']],
  ['(?=(a+))a*b\\1', ['baaabac', 'aab']],
  ['(?!(a))\\1b', ['b', 'ab']],
];

/** Patterns whose backtracking time is exponential in the subject. */
const CATASTROPHIC = new Set(['^(a+)+$', '(x|x)*y', '^(\\s*,?\\s*\\w+)*$', '(a*)*b']);

const UNITS = [...'/aAbBcCxyz019._-?&=;, \t\n%éÉsS', 'www.', 'example.', 'com', 'api/', 'utm_x=', 'session='];
const noise = fc.array(fc.constantFrom(...UNITS), { maxLength: 8 }).map((parts) => parts.join(''));

/** Subjects: the pattern's examples, strings generated to match it, both mutated, and noise. */
function subjects(source: string, flags: string, examples: readonly string[], maxLength: number): fc.Arbitrary<string> {
  const written: fc.Arbitrary<string>[] = [fc.constantFrom(...examples)];
  try {
    written.push(fc.stringMatching(new RegExp(source, flags.replace(/[ms]/g, '')), { size: 'small' }));
  } catch {
    // stringMatching does not generate for lookaround and backreferences.
  }
  const base = fc.oneof(...written);
  const mutated = fc.tuple(base, fc.nat(), fc.nat(3), noise).map(([s, at, cut, extra]) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + extra + s.slice(i + cut);
  });
  const framed = fc.tuple(noise, base, noise).map(([a, b, c]) => a + b + c);
  return fc.oneof(base, base, mutated, framed, noise).map((s) => s.slice(0, maxLength));
}

const show = (m: RegexMatch | RegExpExecArray | null): unknown => (m === null ? null : [[...m], m.index]);

/** The substitution as it ran on RegExp (the reference for regsub / regsuball). */
function oracleSub(re: RegExp, input: string, all: boolean, expand: (m: RegexMatch) => string): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let matched = false;
  for (let m = re.exec(input); m !== null; m = all ? re.exec(input) : null) {
    matched = true;
    out += input.slice(last, m.index) + expand(m);
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  return matched ? out + input.slice(last) : input;
}

for (const [pattern, examples] of PATTERNS) {
  test(`engines agree with RegExp on ${JSON.stringify(pattern)}`, () => {
    const t = translatePcre(pattern);
    assert.ok(!('error' in t));
    const oracle = new RegExp(t.source, `${t.flags}g`);
    const r = compileRegex(pattern);
    assert.ok(r.ok);
    const bounded: VclRegex = { pattern, engine: 'bounded', exec: boundedMatcher(compileBounded(parsePattern(t.source), scopeOf(t.flags)), pattern, 1e7) };
    const expand = parseReplacement('<\\0|\\1|\\2>');
    let matched = 0;
    fc.assert(fc.property(subjects(t.source, t.flags, examples, CATASTROPHIC.has(pattern) ? 16 : 200), fc.oneof(fc.constant(0), fc.nat()), (subject, k) => {
      const from = k % (subject.length + 1);
      oracle.lastIndex = from;
      const found = oracle.exec(subject);
      if (found !== null) matched++;
      const expected = show(found);
      assert.deepEqual(show(r.regex.exec(subject, from)), expected);
      assert.deepEqual(show(bounded.exec(subject, from)), expected);
      for (const all of [false, true]) {
        const want = oracleSub(oracle, subject, all, expand);
        assert.equal((all ? regsuball : regsub)(subject, r.regex, expand), want);
        assert.equal((all ? regsuball : regsub)(subject, bounded, expand), want);
      }
    }), { numRuns: 150, seed: 20240611 });
    // The generator reached the pattern's matches, not only its misses.
    assert.ok(matched >= 15, `${matched} of 150 subjects matched`);
  });
}
