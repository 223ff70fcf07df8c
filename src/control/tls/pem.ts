// What an uploaded private key or certificate is, read with node:crypto only (createPrivateKey,
// X509Certificate): no ASN.1 of our own. Fastly's rules (https://www.fastly.com/documentation/
// reference/api/tls/custom-certs/): RSA (2048 bits or more) and ECDSA P-256 keys; a certificate's
// domains are its DNS Subject Alternative Names; it must be valid now, and each intermediate
// must have signed the certificate before it. Trust in the root is not checked: a self-signed
// or privately rooted certificate is accepted, as Fastly does with `allow_untrusted_root`.
// Every refusal is an ApiError naming the field; no message ever quotes the key material.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { ApiError } from '../errors.ts';

export interface ParsedPrivateKey {
  /** Re-encoded as unencrypted PKCS #8 PEM, one form for the HTTPS listener. */
  readonly keyPem: string;
  readonly keyType: 'RSA' | 'ECDSA';
  readonly keyLength: number;
  readonly publicKeySha1: string;
}

export interface ParsedCertificate {
  /** The leaf then its intermediates, each re-encoded as PEM. */
  readonly certPem: string;
  /** Of the leaf's public key (ParsedPrivateKey.publicKeySha1 of the key it needs). */
  readonly publicKeySha1: string;
  readonly commonName: string | null;
  readonly issuedTo: string;
  readonly issuer: string;
  /** Decimal, as Fastly shows it. */
  readonly serialNumber: string;
  readonly signatureAlgorithm: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** DNS Subject Alternative Names, lower case, in the certificate's order, without repeats. */
  readonly domains: readonly string[];
}

const MIN_RSA_BITS = 2048;

/** Hex SHA-1 of the DER SubjectPublicKeyInfo of a key (private or public). */
export function publicKeySha1(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha1').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((m) => ({ label: m[1], text: m[0] }));
}

export function parsePrivateKey(field: string, pem: string): ParsedPrivateKey {
  const blocks = pemBlocks(pem);
  if (blocks.length !== 1 || !blocks[0].label.endsWith('PRIVATE KEY')) {
    throw new ApiError('badRequest', `${field}: must be one PEM private key (a -----BEGIN PRIVATE KEY----- block)`);
  }
  if (blocks[0].label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(blocks[0].text)) {
    throw new ApiError('badRequest', `${field}: an encrypted private key is not accepted; upload it without a passphrase`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: blocks[0].text, format: 'pem' });
  } catch {
    throw new ApiError('badRequest', `${field}: is not a valid PEM private key`);
  }
  const details = key.asymmetricKeyDetails ?? {};
  let keyType: ParsedPrivateKey['keyType'];
  let keyLength: number;
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS) {
    keyType = 'RSA';
    keyLength = details.modulusLength ?? 0;
  } else if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') {
    keyType = 'ECDSA';
    keyLength = 256;
  } else {
    const what = key.asymmetricKeyType === 'rsa' ? `an RSA key of ${details.modulusLength} bits`
      : key.asymmetricKeyType === 'ec' ? `an EC key on ${details.namedCurve}` : `a ${key.asymmetricKeyType} key`;
    throw new ApiError('badRequest', `${field}: must be an RSA key of ${MIN_RSA_BITS} bits or more or an ECDSA P-256 key, got ${what}`);
  }
  return { keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), keyType, keyLength, publicKeySha1: publicKeySha1(key) };
}

/** Parses and checks a certificate chain as of `now`; throws an ApiError naming `field` and the rule. */
export function parseCertificateChain(field: string, blob: string, now: Date): ParsedCertificate {
  const blocks = pemBlocks(blob);
  if (blocks.length === 0) throw new ApiError('badRequest', `${field}: must be a PEM certificate (a -----BEGIN CERTIFICATE----- block)`);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other !== undefined) {
    throw new ApiError('badRequest', `${field}: holds a ${other.label} block; only CERTIFICATE blocks belong here (private keys go to /tls/private_keys)`);
  }
  const certs = blocks.map((b, i) => {
    try {
      return new X509Certificate(b.text);
    } catch {
      throw new ApiError('badRequest', `${field}: certificate ${i + 1} is not a valid PEM certificate`);
    }
  });
  const leaf = certs[0];
  if (now < leaf.validFromDate) {
    throw new ApiError('badRequest', `${field}: the certificate is not valid yet (not before ${leaf.validFromDate.toISOString()})`);
  }
  if (now > leaf.validToDate) {
    throw new ApiError('badRequest', `${field}: the certificate has expired (not after ${leaf.validToDate.toISOString()})`);
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    const [child, parent] = [certs[i], certs[i + 1]];
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      throw new ApiError('badRequest',
        `${field}: intermediate certificate ${i + 2} (${describe(parent)}) did not sign certificate ${i + 1} (${describe(child)})`);
    }
  }
  const domains = dnsNames(leaf.subjectAltName);
  if (domains.length === 0) {
    throw new ApiError('badRequest', `${field}: the certificate names no DNS domain in its Subject Alternative Names`);
  }
  const commonName = attribute(leaf.subject, 'CN');
  return {
    certPem: certs.map((c) => c.toString()).join(''),
    publicKeySha1: publicKeySha1(leaf.publicKey),
    commonName,
    issuedTo: commonName ?? domains[0],
    issuer: attribute(leaf.issuer, 'CN') ?? attribute(leaf.issuer, 'O') ?? leaf.issuer.replace(/\n/g, ', '),
    serialNumber: BigInt(`0x${leaf.serialNumber}`).toString(10),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[leaf.signatureAlgorithmOid ?? ''] ?? leaf.signatureAlgorithm ?? 'unknown',
    notBefore: leaf.validFromDate.toISOString(),
    notAfter: leaf.validToDate.toISOString(),
    domains,
  };
}

/**
 * Signature algorithms by OID, named as Fastly shows them (Go's crypto/x509 names, since
 * Fastly's API reports e.g. `SHA256-RSA`); any other keeps OpenSSL's name.
 */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.3.101.112': 'Ed25519',
};

function describe(cert: X509Certificate): string {
  const cn = attribute(cert.subject, 'CN');
  return cn === null ? cert.subject.replace(/\n/g, ', ') : `CN=${cn}`;
}

/** One attribute of a distinguished name as node:crypto prints it (`CN=a\nO=b`). */
function attribute(dn: string, name: string): string | null {
  const line = dn.split('\n').find((l) => l.startsWith(`${name}=`));
  return line === undefined ? null : line.slice(name.length + 1);
}

/**
 * The DNS names of node:crypto's subjectAltName text (`DNS:a.example, DNS:*.b.example,
 * IP Address:192.0.2.1`); a name holding a comma or a quote is a JSON string there.
 */
function dnsNames(san: string | undefined): string[] {
  if (san === undefined) return [];
  const names: string[] = [];
  for (const m of san.matchAll(/(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    if (m[1] !== 'DNS') continue;
    const name = (m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]).toLowerCase();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Whether a certificate's DNS name `san` covers `domain` by RFC 6125 §6.4.3 (one left-most label for `*`). */
export function sanCovers(san: string, domain: string): boolean {
  if (san === domain) return true;
  if (!san.startsWith('*.')) return false;
  const dot = domain.indexOf('.');
  return dot > 0 && domain.slice(dot + 1) === san.slice(2);
}
