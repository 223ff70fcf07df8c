// The common commands of the Fastly CLI (v16, npm @fastly/cli), unchanged, one row each, in the
// order an operator runs them, with what each prints against lacquer (DESIGN.md §4.2). A row that
// works shows its output; a row lacquer refuses shows the refusal the CLI reports, and says why.
// Not in the table: `stats realtime` (the CLI reads rt.fastly.com, which FASTLY_API_ENDPOINT does
// not move, and retries it without end), `logging …` (docs/api.md, Logging endpoints), `compute …`
// and the account products lacquer does not have (KV, config and secret stores, NGWAF, …).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fastlyCli } from '../support/fastly-cli.ts';
import { ADMIN, startApi } from './helpers.ts';

interface Ids { readonly home: string; sid: string; dictionary: string; acl: string; entry: string }

interface Row {
  readonly args: (ids: Ids) => string[];
  /** What stdout matches when the command works. */
  readonly prints?: RegExp;
  /** What the CLI reports when lacquer refuses the command (and why lacquer does). */
  readonly refused?: { readonly reports: RegExp; readonly because: string };
  /** Reads an id the later rows need. */
  readonly read?: (out: string, ids: Ids) => void;
}

const s = (ids: Ids): string[] => ['--service-id', ids.sid];
const v = (n: number) => (ids: Ids): string[] => [...s(ids), '--version', String(n)];
const v1 = v(1);
const notFound = (path: string): RegExp => new RegExp(`the Fastly API returned 404 Not Found: Record not found \\(no route for GET ${path}\\)`);

const ROWS: readonly Row[] = [
  { args: () => ['whoami'], prints: /^lacquer administrator <admin>\n$/ },
  { args: () => ['user', 'describe', '--current'], prints: /^\nID: lacquer\nLogin: admin\nName: lacquer administrator\nRole: superuser\nCustomer ID: lacquer\n/ },
  { args: () => ['pops'], prints: /^\nNAME\s+CODE\s+GROUP\s+SHIELD\s+COORDINATES\n$/ }, // no edge node serves this API's fleet
  { args: () => ['ip-list'], prints: /^\nIPv4\n\t192\.0\.2\.0\/24\n\nIPv6\n\t2001:db8::\/32\n$/ },
  { args: () => ['service', 'create', '--name', 'table'], prints: /^SUCCESS: Created service [0-9A-Za-z]{22}\n$/,
    read: (out, ids) => { ids.sid = /Created service (\S+)/.exec(out)?.[1] ?? ''; } },
  { args: () => ['service', 'list'], prints: /\ntable\s+[0-9A-Za-z]{22}\s+vcl\s+0\s+/ },
  { args: (ids) => ['service', 'describe', ...s(ids)], prints: /^ID: \S+\nName: table\nType: vcl\n/ },
  { args: (ids) => ['service', 'update', ...s(ids), '--name', 'shop', '--comment', 'the shop'], prints: /^SUCCESS: Updated service \S+\n$/ },
  { args: () => ['service', 'search', '--name', 'shop'], prints: /\nName: shop\nType: vcl\nComment: the shop\n/ },
  { args: (ids) => ['service', 'version', 'list', ...s(ids)], prints: /\n1\s+false\s+false\s+/ },
  { args: (ids) => ['service', 'version', 'update', ...v1(ids), '--comment', 'first'], prints: /^SUCCESS: Updated service \S+ version 1\n$/ },
  { args: (ids) => ['service', 'domain', 'create', ...v1(ids), '--name', 'shop.example'], prints: /^SUCCESS: Created domain shop\.example \(service \S+ version 1\)\n$/ },
  { args: (ids) => ['service', 'domain', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+shop\.example\s*\n/ },
  { args: (ids) => ['service', 'domain', 'describe', ...v1(ids), '--name', 'shop.example'], prints: /\nName: shop\.example\nComment: \n/ },
  { args: (ids) => ['service', 'domain', 'update', ...v1(ids), '--name', 'shop.example', '--comment', 'main'], prints: /^SUCCESS: Updated domain shop\.example/ },
  // Valid: whether the name resolves (GET …/domain/{name}/check); shop.example does not.
  { args: (ids) => ['service', 'domain', 'validate', ...v1(ids), '--name', 'shop.example'], prints: /\nName: shop\.example\nValid: false\n/ },
  { args: (ids) => ['service', 'backend', 'create', ...v1(ids), '--name', 'web', '--address', '127.0.0.1', '--port', '8080'], prints: /^SUCCESS: Created backend web/ },
  { args: (ids) => ['service', 'backend', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+web\s+127\.0\.0\.1\s+8080\s*\n/ },
  { args: (ids) => ['service', 'backend', 'describe', ...v1(ids), '--name', 'web'], prints: /\nAddress: 127\.0\.0\.1\nPort: 8080\n[^]*\nFirst byte timeout: 15000\n/ },
  { args: (ids) => ['service', 'backend', 'update', ...v1(ids), '--name', 'web', '--weight', '50'], prints: /^SUCCESS: Updated backend web/ },
  // The older top-level forms (`fastly backend …`, `fastly vcl …`, `fastly service-version …`,
  // `fastly purge`) are aliases the CLI still accepts.
  { args: (ids) => ['backend', 'create', ...v1(ids), '--name', 'spare', '--address', '192.0.2.9'], prints: /^SUCCESS: Created backend spare/ },
  { args: (ids) => ['service', 'healthcheck', 'create', ...v1(ids), '--name', 'hc', '--path', '/ok'], prints: /^SUCCESS: Created healthcheck hc/ },
  { args: (ids) => ['service', 'healthcheck', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+hc\s+HEAD\s+\/ok\n/ },
  { args: (ids) => ['service', 'healthcheck', 'describe', ...v1(ids), '--name', 'hc'], prints: /\nPath: \/ok\nHTTP version: 1\.1\nTimeout: 500\nCheck interval: 5000\n/ },
  { args: (ids) => ['service', 'healthcheck', 'update', ...v1(ids), '--name', 'hc', '--threshold', '2'], prints: /^SUCCESS: Updated healthcheck hc/ },
  { args: (ids) => ['service', 'vcl', 'condition', 'create', ...v1(ids), '--name', 'is_api', '--statement', 'req.url ~ "^/api/"', '--type', 'REQUEST', '--priority', '5'],
    prints: /^SUCCESS: Created condition is_api/ },
  { args: (ids) => ['service', 'vcl', 'condition', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+is_api\s+req\.url ~ "\^\/api\/"\s+REQUEST\s+5\n/ },
  { args: (ids) => ['service', 'vcl', 'condition', 'describe', ...v1(ids), '--name', 'is_api'], prints: /\nStatement: req\.url ~ "\^\/api\/"\nType: REQUEST\nPriority: 5\n/ },
  { args: (ids) => ['service', 'vcl', 'condition', 'update', ...v1(ids), '--name', 'is_api', '--priority', '7'], prints: /^SUCCESS: Updated condition is_api/ },
  { args: (ids) => ['vcl', 'condition', 'create', ...v1(ids), '--name', 'is_static', '--statement', 'req.url.ext == "css"', '--type', 'REQUEST'],
    prints: /^SUCCESS: Created condition is_static/ },
  { args: (ids) => ['service', 'vcl', 'condition', 'create', ...v1(ids), '--name', 'broken', '--statement', 'req.url ~', '--type', 'REQUEST'],
    refused: { reports: /400 Bad Request: Bad request \(statement: must be one VCL expression \(1:10 expected an expression, found end of file\)\)/, because: 'the statement does not compile' } },
  { args: (ids) => ['service', 'vcl', 'snippet', 'create', ...v1(ids), '--name', 'tag', '--type', 'deliver', '--content', 'set resp.http.X-Tag = "1";'],
    prints: /^SUCCESS: Created VCL snippet 'tag' \(service: \S+, version: 1, dynamic: false, snippet id: \S+, type: deliver, priority: 100\)\n$/ },
  { args: (ids) => ['service', 'vcl', 'snippet', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+tag\s+false\s+[0-9A-Za-z]{22}\n/ },
  { args: (ids) => ['service', 'vcl', 'snippet', 'describe', ...v1(ids), '--name', 'tag'], prints: /\nType: deliver\nContent: \nset resp\.http\.X-Tag = "1";\n/ },
  { args: (ids) => ['service', 'vcl', 'snippet', 'update', ...v1(ids), '--name', 'tag', '--priority', '20'], prints: /type: deliver, priority: 20\)\n$/ },
  { args: (ids) => ['vcl', 'snippet', 'create', ...v1(ids), '--name', 'early', '--type', 'recv', '--content', 'set req.http.X-Early = "1";'],
    prints: /^SUCCESS: Created VCL snippet 'early' \(service: \S+, version: 1, dynamic: false, snippet id: \S+, type: recv, priority: 100\)\n$/ },
  { args: (ids) => ['service', 'vcl', 'custom', 'create', ...v1(ids), '--name', 'main', '--content', join(ids.home, 'main.vcl'), '--main'],
    prints: /^SUCCESS: Created custom VCL 'main' \(service: \S+, version: 1, main: true\)\n$/ },
  { args: (ids) => ['service', 'vcl', 'custom', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+main\s+true\n/ },
  { args: (ids) => ['service', 'vcl', 'custom', 'describe', ...v1(ids), '--name', 'main'], prints: /\nMain: true\nContent: \nsub vcl_recv \{\n#FASTLY recv\n\}\n/ },
  { args: (ids) => ['service', 'vcl', 'custom', 'update', ...v1(ids), '--name', 'main', '--new-name', 'old'], prints: /^SUCCESS: Updated custom VCL 'old' \(previously: 'main'/ },
  { args: (ids) => ['service', 'vcl', 'custom', 'delete', ...v1(ids), '--name', 'old'], prints: /^SUCCESS: Deleted custom VCL 'old'/ },
  { args: (ids) => ['service', 'vcl', 'describe', ...v1(ids)], prints: /\nsub vcl_deliver \{\n {2}#--FASTLY DELIVER BEGIN\n# Snippet tag : 20\nset resp\.http\.X-Tag = "1";\n/ },
  { args: (ids) => ['service', 'dictionary', 'create', ...v1(ids), '--name', 'flags'], prints: /^SUCCESS: Created dictionary flags \(id [0-9A-Za-z]{22}, service \S+, version 1\)\n$/,
    read: (out, ids) => { ids.dictionary = /\(id (\S+),/.exec(out)?.[1] ?? ''; } },
  { args: (ids) => ['service', 'dictionary', 'list', ...v1(ids)], prints: /\nName: flags\nWrite Only: false\n/ },
  { args: (ids) => ['service', 'dictionary', 'describe', ...v1(ids), '--name', 'flags'], prints: /\nName: flags\nWrite Only: false\n/ },
  { args: (ids) => ['service', 'dictionary', 'update', ...v1(ids), '--name', 'flags', '--new-name', 'features'], prints: /^SUCCESS: Updated dictionary features/ },
  { args: (ids) => ['service', 'dictionary-entry', 'create', ...s(ids), '--dictionary-id', ids.dictionary, '--key', 'beta', '--value', 'on'], prints: /^SUCCESS: Created dictionary item beta/ },
  { args: (ids) => ['service', 'dictionary-entry', 'list', ...s(ids), '--dictionary-id', ids.dictionary], prints: /\nItem: 1\/1\n\tDictionary ID: \S+\n\tItem Key: beta\n\tItem Value: on\n/ },
  { args: (ids) => ['service', 'dictionary-entry', 'describe', ...s(ids), '--dictionary-id', ids.dictionary, '--key', 'beta'], prints: /\nItem Key: beta\nItem Value: on\n/ },
  { args: (ids) => ['service', 'dictionary-entry', 'update', ...s(ids), '--dictionary-id', ids.dictionary, '--key', 'beta', '--value', 'off'], prints: /^SUCCESS: Updated dictionary item \(service \S+\)\n\nDictionary ID: \S+\nItem Key: beta\nItem Value: off\n/ },
  { args: (ids) => ['service', 'dictionary-entry', 'delete', ...s(ids), '--dictionary-id', ids.dictionary, '--key', 'beta'], prints: /^SUCCESS: Deleted dictionary item beta/ },
  { args: (ids) => ['dictionary-entry', 'create', ...s(ids), '--dictionary-id', ids.dictionary, '--key', 'alpha', '--value', '1'], prints: /^SUCCESS: Created dictionary item alpha/ },
  { args: (ids) => ['service', 'acl', 'create', ...v1(ids), '--name', 'office'], prints: /^SUCCESS: Created ACL 'office' \(id: [0-9A-Za-z]{22}, service: \S+, version: 1\)\n$/,
    read: (out, ids) => { ids.acl = /\(id: (\S+),/.exec(out)?.[1] ?? ''; } },
  { args: (ids) => ['service', 'acl', 'list', ...v1(ids)], prints: /\n\S+\s+1\s+office\s+[0-9A-Za-z]{22}\n/ },
  { args: (ids) => ['service', 'acl', 'describe', ...v1(ids), '--name', 'office'], prints: /\nName: office\nID: [0-9A-Za-z]{22}\n/ },
  { args: (ids) => ['service', 'acl', 'update', ...v1(ids), '--name', 'office', '--new-name', 'staff'], prints: /^SUCCESS: Updated ACL 'staff' \(previously: 'office'/ },
  { args: (ids) => ['service', 'acl-entry', 'create', ...s(ids), '--acl-id', ids.acl, '--ip', '192.0.2.0', '--subnet', '24'], prints: /^SUCCESS: Created ACL entry '[0-9A-Za-z]{22}' \(ip: 192\.0\.2\.0, negated: false/,
    read: (out, ids) => { ids.entry = /ACL entry '(\S+)'/.exec(out)?.[1] ?? ''; } },
  { args: (ids) => ['service', 'acl-entry', 'list', ...s(ids), '--acl-id', ids.acl], prints: /\n\S+\s+[0-9A-Za-z]{22}\s+192\.0\.2\.0\s+24\s+false\n/ },
  { args: (ids) => ['service', 'acl-entry', 'describe', ...s(ids), '--acl-id', ids.acl, '--id', ids.entry], prints: /\nIP: 192\.0\.2\.0\nSubnet: 24\nNegated: false\n/ },
  { args: (ids) => ['service', 'acl-entry', 'update', ...s(ids), '--acl-id', ids.acl, '--id', ids.entry, '--negated'], prints: /^SUCCESS: Updated ACL entry '\S+' \(ip: 192\.0\.2\.0, service: \S+\)\n$/ },
  { args: (ids) => ['service', 'acl-entry', 'describe', ...s(ids), '--acl-id', ids.acl, '--id', ids.entry], prints: /\nIP: 192\.0\.2\.0\nSubnet: 24\nNegated: true\n/ },
  { args: (ids) => ['service', 'acl-entry', 'delete', ...s(ids), '--acl-id', ids.acl, '--id', ids.entry], prints: /^SUCCESS: Deleted ACL entry '\S+'/ },
  { args: (ids) => ['service', 'version', 'validate', ...v1(ids)], prints: /^SUCCESS: Service \S+ version 1 is valid\n$/ },
  { args: (ids) => ['service-version', 'activate', ...v1(ids)], prints: /^SUCCESS: Activated service \S+ version 1\n$/ },
  { args: (ids) => ['service', 'purge', ...s(ids), '--url', 'http://shop.example/x'], prints: /^SUCCESS: Purged URL: http:\/\/shop\.example\/x \(soft: false\)\. Status: ok, ID: \S+\n$/ },
  { args: (ids) => ['service', 'purge', ...s(ids), '--key', 'product-1', '--soft'], prints: /^SUCCESS: Purged key: product-1 \(soft: true\)\. Status: ok, ID: \S+\n$/ },
  { args: (ids) => ['service', 'purge', ...s(ids), '--all'], prints: /^SUCCESS: Purge all status: ok\n$/ },
  { args: (ids) => ['purge', ...s(ids), '--key', 'product-2'], prints: /^SUCCESS: Purged key: product-2 \(soft: false\)\. Status: ok, ID: \S+\n$/ },
  { args: (ids) => ['service', 'version', 'clone', ...v1(ids)], prints: /^SUCCESS: Cloned service \S+ version 1 to version 2\n$/ },
  { args: (ids) => ['service', 'version', 'lock', ...v(2)(ids)], prints: /^SUCCESS: Locked service \S+ version 2\n$/ },
  // A locked version is cloned first (3), as the CLI's --autoclone asks.
  { args: (ids) => ['service', 'backend', 'delete', ...v(2)(ids), '--name', 'web', '--autoclone'], prints: /Deleted backend web \(service \S+ version 3\)\n$/ },
  { args: (ids) => ['service', 'version', 'stage', ...v(3)(ids)],
    refused: { reports: /the Fastly API returned 404 Not Found/, because: 'lacquer has no staging environment: a version is active everywhere or not at all' } },
  { args: (ids) => ['service', 'version', 'activate', ...v(3)(ids)], prints: /^SUCCESS: Activated service \S+ version 3\n$/ },
  { args: (ids) => ['service', 'version', 'deactivate', ...v(3)(ids)], prints: /^SUCCESS: Deactivated service \S+ version 3\n$/ },
  { args: () => ['tls-config', 'list'], prints: /\nlacquer --tls listener\s+default\s+false\s+true\s+1\.2, 1\.3\s+http\/1\.1, http\/2/ },
  { args: () => ['tls-custom', 'domain', 'list'], prints: /^ID\s+TYPE\n$/ },
  { args: (ids) => ['service', 'rate-limit', 'list', ...v1(ids)],
    refused: { reports: notFound('/service/\\S+/version/1/rate-limiters'), because: "Fastly's API rate limiters (edge rate limiting objects) are not supported; VCL ratecounter and penaltybox are" } },
  { args: (ids) => ['stats', 'historical', ...s(ids)],
    refused: { reports: notFound('/stats/service/\\S+'), because: "lacquer keeps the last minute and hour per POP (GET /service/{sid}/stats), not Fastly's historical series" } },
  { args: () => ['stats', 'regions'], refused: { reports: notFound('/stats/regions'), because: 'no historical stats, so no regions of them' } },
  { args: () => ['service', 'auth', 'list'], refused: { reports: notFound('/service-authorizations'), because: 'access is by token (/tokens), not per-user service authorizations' } },
  { args: () => ['domain', 'list'], refused: { reports: notFound('/domain-management/v1/domains'), because: "domains belong to service versions; Fastly's versionless domain management API is not supported" } },
  { args: (ids) => ['service', 'delete', ...s(ids)], prints: /^SUCCESS: Deleted service ID \S+\n$/ },
];

test('the Fastly CLI v16: what each of its common commands prints against lacquer', async (t) => {
  const api = await startApi(t);
  const cli = await fastlyCli(t, api.base, ADMIN);
  writeFileSync(join(cli.home, 'main.vcl'), 'sub vcl_recv {\n#FASTLY recv\n}\n');
  const ids: Ids = { home: cli.home, sid: '', dictionary: '', acl: '', entry: '' };
  let works = 0;
  // Every row runs, and every row that differs is named, so one change shows its whole effect.
  const differs: string[] = [];
  for (const row of ROWS) {
    const args = row.args(ids);
    const label = `fastly ${args.join(' ')}`;
    const out = await cli.run(...args).then((stdout) => ({ stdout, error: null }), (err: Error) => ({ stdout: '', error: err.message }));
    if (row.prints !== undefined) {
      if (out.error !== null || !row.prints.test(out.stdout)) differs.push(`${label}\n  prints ${JSON.stringify(out.stdout)}${out.error === null ? '' : `\n  fails ${out.error}`}`);
      else works += 1;
      row.read?.(out.stdout, ids);
    } else if (row.refused !== undefined && (out.error === null || !row.refused.reports.test(out.error))) {
      differs.push(`${label} (refused because ${row.refused.because})\n  ${out.error ?? `works: ${JSON.stringify(out.stdout)}`}`);
    }
  }
  assert.deepEqual(differs, []);
  t.diagnostic(`${works} of ${ROWS.length} commands work`);
  assert.deepEqual([works, ROWS.length], [75, 82]);
  assert.ok(cli.proxySeen.every((seen) => !seen.includes('127.0.0.1')));
});
