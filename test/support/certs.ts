// Certificates made at test time (DESIGN.md §3): a test CA, leaves for chosen domains, wildcard,
// expired and not-yet-valid ones, signed with @peculiar/x509 over WebCrypto so dates, serials
// and SANs are exactly what a test asks for (openssl 3.0's x509 command cannot set a start date).
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

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
}

export async function issue(o: IssueOptions): Promise<x509.X509Certificate> {
  const now = Date.now();
  const subject = `CN=${o.commonName ?? o.domains[0]}`;
  const extensions: x509.Extension[] = [];
  if (o.domains.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(o.domains.map((value) => ({ type: 'dns' as const, value }))));
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
