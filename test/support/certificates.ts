// Certificates for TLS tests, made at test time (DESIGN.md §3) with @peculiar/x509 over WebCrypto,
// so dates, serials and SANs are exactly what a test asks for (openssl 3.0's x509 command cannot
// set a start date). Two shapes over one generator:
// - newKey / testCa / leaf / issue: keys and certificates in memory (PEM), for the TLS API;
// - makeCa: a CA whose leaves are also written to files (for hitch, nginx, curl --cacert), and
//   `material`, the TlsMaterial the edge takes. Its directory is removed when the test ends.
import { KeyObject, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import * as x509 from '@peculiar/x509';
import type { TlsActivationMaterial, TlsMaterial } from '../../src/model/tls.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = NonNullable<x509.X509CertificateCreateSelfSignedParams['signingAlgorithm']>;

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

export interface TestKey {
  readonly kind: 'ec' | 'rsa';
  readonly keys: CryptoKeyPair;
  /** PKCS #8 PEM. */
  readonly pem: string;
}

export interface TestIssuer {
  readonly key: TestKey;
  readonly cert: x509.X509Certificate;
  readonly pem: string;
}

const DAY = 86_400_000;

export async function newKey(kind: 'ec' | 'rsa' = 'ec', bits = 2048): Promise<TestKey> {
  const alg = kind === 'ec' ? EC : { ...RSA, modulusLength: bits };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as CryptoKeyPair;
  const pem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { kind, keys, pem };
}

function algorithm(key: TestKey): SigningAlgorithm {
  return key.kind === 'ec' ? EC : RSA;
}

export interface IssueOptions {
  /** Signs the certificate; none: self-signed. */
  readonly issuer?: TestIssuer;
  readonly key: TestKey;
  readonly domains: readonly string[];
  readonly commonName?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Hex. */
  readonly serial?: string;
  readonly ca?: boolean;
  /** Marks it for TLS servers (extendedKeyUsage serverAuth, not a CA). */
  readonly serverAuth?: boolean;
}

export async function issue(o: IssueOptions): Promise<x509.X509Certificate> {
  const now = Date.now();
  const subject = `CN=${o.commonName ?? o.domains[0]}`;
  const extensions: x509.Extension[] = [];
  if (o.domains.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(o.domains.map((value) => ({ type: 'dns' as const, value }))));
  if (o.serverAuth === true) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
    extensions.push(new x509.BasicConstraintsExtension(false));
  }
  if (o.ca === true) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  }
  const common = {
    serialNumber: o.serial ?? '0183', notBefore: o.notBefore ?? new Date(now - DAY), notAfter: o.notAfter ?? new Date(now + 90 * DAY), extensions,
  };
  if (o.issuer === undefined) {
    return x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys: o.key.keys, signingAlgorithm: algorithm(o.key) });
  }
  return x509.X509CertificateGenerator.create({
    ...common, subject, issuer: o.issuer.cert.subject, publicKey: o.key.keys.publicKey, signingKey: o.issuer.key.keys.privateKey,
    signingAlgorithm: algorithm(o.issuer.key),
  });
}

export async function testCa(name = 'Lacquer Test CA', issuer?: TestIssuer): Promise<TestIssuer> {
  const key = await newKey('ec');
  const cert = await issue({ issuer, key, domains: [], commonName: name, ca: true, notAfter: new Date(Date.now() + 3650 * DAY) });
  return { key, cert, pem: cert.toString('pem') };
}

/** A key and a certificate for `domains` (PEM), signed by `issuer` (self-signed without one). */
export async function leaf(domains: readonly string[], o: Omit<IssueOptions, 'key' | 'domains'> & { key?: TestKey } = {}): Promise<{ key: TestKey; pem: string }> {
  const key = o.key ?? await newKey('ec');
  const cert = await issue({ ...o, key, domains });
  return { key, pem: `${cert.toString('pem')}\n` };
}


export { DAY };

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
  /** A leaf for `names` (subjectAltName DNS entries; `*.example.test` for a wildcard), for serverAuth. */
  leaf(names: readonly string[], options?: { readonly key?: 'ec' | 'rsa' }): Promise<Leaf>;
}

let leaves = 0;

/** A CA in a temporary directory removed after the test. */
export async function makeCa(t: TestContext, name = 'lacquer test CA'): Promise<TestCa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = await testCa(name);
  const caPem = `${ca.pem.trimEnd()}\n`;
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, caPem);
  return {
    dir, caFile, caPem,
    async leaf(names, options = {}) {
      leaves += 1;
      const id = `cert${leaves}`;
      const key = await newKey(options.key ?? 'ec');
      // A serial of its own per leaf: clients may refuse two certificates of one issuer with one serial.
      const cert = await issue({ issuer: ca, key, domains: names, serial: (0x1000 + leaves).toString(16), serverAuth: true });
      const certPem = `${cert.toString('pem').trimEnd()}\n`;
      const certFile = path.join(dir, `${id}.pem`);
      const keyFile = path.join(dir, `${id}.key`);
      writeFileSync(certFile, certPem);
      writeFileSync(keyFile, key.pem);
      return { id, certPem, keyPem: key.pem, notAfter: cert.notAfter.toISOString(), certFile, keyFile };
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
