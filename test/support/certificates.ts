// Certificates for TLS tests, made at test time with `openssl` (DESIGN.md §3): a throwaway CA
// and leaves it signs (one name, several, or a wildcard), and the TlsMaterial the edge takes.
// Nothing is kept: the directory is removed when the test ends.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { TlsActivationMaterial, TlsMaterial } from '../../src/model/tls.ts';

export interface Leaf {
  readonly id: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: string;
  /** Files, for clients and servers that read them (hitch, nginx, curl --cert). */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestCa {
  readonly dir: string;
  readonly caPem: string;
  readonly caFile: string;
  /** A leaf for `names` (subjectAltName DNS entries; `*.example.test` for a wildcard). */
  leaf(names: readonly string[], options?: { readonly key?: 'ec' | 'rsa' }): Leaf;
}

let serial = 0;

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA in a temporary directory removed after the test. */
export function makeCa(t: TestContext, name = 'lacquer test CA'): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  const caFile = path.join(dir, 'ca.pem');
  return {
    dir, caFile, caPem: readFileSync(caFile, 'utf8'),
    leaf(names, options = {}) {
      const id = `cert${++serial}`;
      const keyArgs = options.key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
      openssl(['req', ...keyArgs, '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`], dir);
      writeFileSync(path.join(dir, `${id}.ext`), [
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`, 'extendedKeyUsage=serverAuth', 'basicConstraints=CA:FALSE', '',
      ].join('\n'));
      openssl(['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${id}.pem`,
        '-days', '2', '-extfile', `${id}.ext`], dir);
      const certFile = path.join(dir, `${id}.pem`);
      const keyFile = path.join(dir, `${id}.key`);
      const certPem = readFileSync(certFile, 'utf8');
      const notAfter = execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', certFile], { encoding: 'utf8' }).replace(/^notAfter=/, '').trim();
      return { id, certPem, keyPem: readFileSync(keyFile, 'utf8'), notAfter: new Date(notAfter).toISOString(), certFile, keyFile };
    },
  };
}

/** TlsMaterial serving each domain with its leaf. */
export function material(generation: number, entries: ReadonlyArray<readonly [domain: string, leaf: Leaf]>): TlsMaterial {
  const activations: TlsActivationMaterial[] = entries.map(([domain, leaf]) => ({
    domain, certificateId: leaf.id, certPem: leaf.certPem, keyPem: leaf.keyPem, notAfter: leaf.notAfter,
  }));
  return { generation, activations };
}
