// Chromium loads a page through the edge's HTTPS listener (DESIGN.md §4.4 HTTPS), trusting only
// the test's own CA (by its public key: Chromium's --ignore-certificate-errors-spki-list accepts
// a presented chain that contains that key), with the test domain mapped to 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { httpOrigin } from '../edge/helpers.ts';
import { startEdgeStack } from '../integration/harness.ts';
import { makeCa, material } from '../support/certificates.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers.ts';

const HOST = 'shop.example.test';

test('Chromium loads an HTTPS page and its image through the edge over HTTP/2, the certificate chosen by SNI', async (t) => {
  assert.ok(existsSync(CHROMIUM), `this test needs Chromium at ${CHROMIUM}`);
  const ca = makeCa(t);
  const leaf = ca.leaf([HOST]);
  const origin = await httpOrigin(t, (req, res) => {
    if (req.url === '/dot.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=60' });
      return void res.end('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>');
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=60' });
    res.end(`<!doctype html><title>shop</title><h1>served over ${String(req.headers['fastly-ssl'] === '1' ? 'TLS' : 'plain HTTP')}</h1><img id="dot" src="/dot.svg">`);
  });
  // The chain ends with the CA itself (RFC 8446 §4.4.2 lets a server send it), so the key
  // Chromium is told to trust is in what the edge presents.
  const lq = await startEdgeStack(t, { tlsMaterial: async () => material(1, [[HOST, { ...leaf, certPem: leaf.certPem + ca.caPem }]]) });
  await lq.createService({ domains: [HOST], backends: [{ name: 'o', address: '127.0.0.1', port: origin.port }] });

  const caSpki = createHash('sha256').update(new X509Certificate(ca.caPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  // Chromium reads --ignore-certificate-errors-spki-list only with a user data directory of its own.
  const profile = mkdtempSync(path.join(os.tmpdir(), 'lacquer-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${caSpki}`],
  });
  t.after(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  const response = await page.goto(`https://${HOST}:${lq.tlsPort}/`);
  assert.equal(response?.status(), 200);
  assert.equal(await page.textContent('h1'), 'served over TLS');
  const security = await response?.securityDetails();
  assert.equal(security?.subjectName, HOST);
  assert.equal(security?.issuer, 'lacquer test CA');
  // Page-side expressions as strings: the test's TypeScript has no DOM types.
  assert.equal(await page.evaluate<string>('performance.getEntriesByType("navigation")[0].nextHopProtocol'), 'h2');
  await page.waitForFunction('document.getElementById("dot").complete');
  assert.equal(await page.evaluate<number>('document.getElementById("dot").naturalWidth'), 8);
});
