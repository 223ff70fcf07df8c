// Reading uploaded keys and certificates (src/control/tls/pem.ts): what is accepted, what is
// refused, and that every refusal names the field and the rule.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ApiError } from '../../src/control/errors.ts';
import { parseCertificateChain, parsePrivateKey, sanCovers } from '../../src/control/tls/pem.ts';
import { leaf, newKey, testCa } from '../support/certs.ts';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 400);
    return err.detail ?? '';
  }
  assert.fail('accepted');
}

test('RSA 2048+ and ECDSA P-256 keys are accepted with their type and length; others are refused naming the rule', async () => {
  const rsa = await newKey('rsa');
  const ec = await newKey('ec');
  const r = parsePrivateKey('key', rsa.pem);
  assert.deepEqual([r.keyType, r.keyLength, r.publicKeySha1.length], ['RSA', 2048, 40]);
  assert.deepEqual([parsePrivateKey('key', ec.pem).keyType, parsePrivateKey('key', ec.pem).keyLength], ['ECDSA', 256]);
  // A traditional "RSA PRIVATE KEY" block is read too, and stored as PKCS #8.
  const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.match(parsePrivateKey('key', pkcs1).keyPem, /^-----BEGIN PRIVATE KEY-----/);

  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.equal(refusal(() => parsePrivateKey('key', small)), 'key: must be an RSA key of 2048 bits or more or an ECDSA P-256 key, got an RSA key of 1024 bits');
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.equal(refusal(() => parsePrivateKey('key', p384)), 'key: must be an RSA key of 2048 bits or more or an ECDSA P-256 key, got an EC key on secp384r1');
  const encrypted = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
  assert.equal(refusal(() => parsePrivateKey('key', encrypted)), 'key: an encrypted private key is not accepted; upload it without a passphrase');
  assert.equal(refusal(() => parsePrivateKey('key', 'not a key')), 'key: must be one PEM private key (a -----BEGIN PRIVATE KEY----- block)');
  const mangled = ec.pem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
  assert.equal(refusal(() => parsePrivateKey('key', mangled)), 'key: is not a valid PEM private key');
});

test('a certificate chain signed by a test CA yields its SAN domains, issuer, decimal serial and dates', async () => {
  const ca = await testCa();
  const cert = await leaf(['WWW.example.com', 'example.com', '*.example.com'], { issuer: ca, serial: '83', commonName: 'www.example.com' });
  const parsed = parseCertificateChain('cert_blob', `${cert.pem}${ca.pem}`, new Date());
  assert.deepEqual(parsed.domains, ['www.example.com', 'example.com', '*.example.com']);
  assert.deepEqual([parsed.issuedTo, parsed.issuer, parsed.serialNumber, parsed.signatureAlgorithm], ['www.example.com', 'Lacquer Test CA', '131', 'ECDSA-SHA256']);
  assert.equal(parsed.publicKeySha1, parsePrivateKey('key', cert.key.pem).publicKeySha1);
  assert.equal(parsed.certPem.match(/BEGIN CERTIFICATE/g)?.length, 2);
  // Self-signed, RSA-signed: accepted too.
  const rsa = await newKey('rsa');
  const self = await leaf(['self.example'], { key: rsa });
  assert.deepEqual([parseCertificateChain('cert_blob', self.pem, new Date()).signatureAlgorithm], ['SHA256-RSA']);
});

test('expired, not-yet-valid, wrongly chained, SAN-less and malformed certificates are refused, each saying which', async () => {
  const ca = await testCa();
  const other = await testCa('Other CA');
  const now = new Date();
  const expired = await leaf(['old.example'], { issuer: ca, notBefore: new Date(Date.parse('2020-01-01T00:00:00Z')), notAfter: new Date(Date.parse('2021-01-01T00:00:00Z')) });
  assert.equal(refusal(() => parseCertificateChain('cert_blob', expired.pem, now)), 'cert_blob: the certificate has expired (not after 2021-01-01T00:00:00.000Z)');
  const future = await leaf(['new.example'], { issuer: ca, notBefore: new Date(Date.parse('2099-01-01T00:00:00Z')), notAfter: new Date(Date.parse('2100-01-01T00:00:00Z')) });
  assert.equal(refusal(() => parseCertificateChain('cert_blob', future.pem, now)), 'cert_blob: the certificate is not valid yet (not before 2099-01-01T00:00:00.000Z)');
  const cert = await leaf(['www.example.com'], { issuer: ca });
  assert.equal(refusal(() => parseCertificateChain('cert_blob', `${cert.pem}${other.pem}`, now)),
    'cert_blob: intermediate certificate 2 (CN=Other CA) did not sign certificate 1 (CN=www.example.com)');
  const noSan = await leaf([], { issuer: ca, commonName: 'cn-only.example' });
  assert.equal(refusal(() => parseCertificateChain('cert_blob', noSan.pem, now)), 'cert_blob: the certificate names no DNS domain in its Subject Alternative Names');
  assert.equal(refusal(() => parseCertificateChain('cert_blob', 'hello', now)), 'cert_blob: must be a PEM certificate (a -----BEGIN CERTIFICATE----- block)');
  assert.equal(refusal(() => parseCertificateChain('cert_blob', `${cert.pem}${cert.key.pem}`, now)),
    'cert_blob: holds a PRIVATE KEY block; only CERTIFICATE blocks belong here (private keys go to /tls/private_keys)');
  const broken = cert.pem.replace(/\n([A-Za-z0-9+/]{20})/, '\nAAAAAAAAAAAAAAAAAAAA');
  assert.equal(refusal(() => parseCertificateChain('cert_blob', broken, now)), 'cert_blob: certificate 1 is not a valid PEM certificate');
});

test('a wildcard SAN covers one left-most label only', () => {
  assert.deepEqual(
    ['www.example.com', 'example.com', 'a.b.example.com', '*.example.com'].map((d) => sanCovers('*.example.com', d)),
    [true, false, false, true],
  );
  assert.equal(sanCovers('www.example.com', 'www.example.com'), true);
});
