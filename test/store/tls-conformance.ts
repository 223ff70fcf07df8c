// The TLS rows every Store keeps (DESIGN.md §4.2 /tls/*; src/store/store.ts), run by
// runStoreConformance for every implementation: keys unique by public key, activations unique
// by domain, and the material the HTTPS listener reads, with a generation every write raises.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  StoreConflictError, type Store, type StoreEvent, type TlsActivationRow, type TlsCertificateRow, type TlsPrivateKeyRow,
} from '../../src/store/index.ts';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-02T00:00:00.000Z';

const key = (id: string, sha1: string): TlsPrivateKeyRow => ({
  id, name: `key ${id}`, keyPem: `-----BEGIN PRIVATE KEY-----\n${id}\n-----END PRIVATE KEY-----\n`, keyType: 'RSA', keyLength: 2048,
  publicKeySha1: sha1, createdAt: T0,
});
const cert = (id: string, sha1: string, domains: string[]): TlsCertificateRow => ({
  id, name: `cert ${id}`, certPem: `PEM ${id}`, publicKeySha1: sha1, issuedTo: domains[0], issuer: 'Test CA', serialNumber: '131',
  signatureAlgorithm: 'SHA256-RSA', notBefore: T0, notAfter: '2030-01-01T00:00:00.000Z', domains, createdAt: T0, updatedAt: T0,
});
const activation = (id: string, domain: string, certificateId: string): TlsActivationRow => ({
  id, domain, certificateId, configurationId: 'default', createdAt: T0, updatedAt: T0,
});

export function runTlsStoreConformance(fresh: (t: { after: (fn: () => Promise<void>) => void }) => Promise<Store>): void {
  describe('Store conformance: TLS', () => {
    test('TLS keys, certificates and activations round-trip; a taken public key or domain throws StoreConflictError', async (t) => {
      const store = await fresh(t);
      await store.transaction(async (tx) => {
        await tx.insertTlsPrivateKey(key('k2', 'bb'));
        await tx.insertTlsPrivateKey({ ...key('k1', 'aa'), createdAt: '2024-12-31T00:00:00.000Z' });
        await tx.insertTlsCertificate(cert('c1', 'aa', ['www.example.com', '*.example.com']));
        await tx.insertTlsActivation(activation('a2', 'www.example.com', 'c1'));
        await tx.insertTlsActivation(activation('a1', '*.example.com', 'c1'));
      });
      await assert.rejects(store.transaction((tx) => tx.insertTlsPrivateKey(key('k3', 'aa'))), StoreConflictError);
      await assert.rejects(store.transaction((tx) => tx.insertTlsActivation(activation('a3', 'www.example.com', 'c1'))), StoreConflictError);
      await store.transaction(async (tx) => {
        assert.deepEqual((await tx.listTlsPrivateKeys()).map((k) => k.id), ['k1', 'k2']);
        assert.deepEqual(await tx.listTlsCertificates(), [cert('c1', 'aa', ['www.example.com', '*.example.com'])]);
        assert.deepEqual((await tx.listTlsActivations()).map((a) => a.domain), ['*.example.com', 'www.example.com']);
        await tx.replaceTlsCertificate({ ...cert('c1', 'aa', ['www.example.com']), name: 'renamed', updatedAt: T1 });
        await tx.replaceTlsActivation({ ...activation('a1', '*.example.com', 'c1'), updatedAt: T1 });
        await tx.deleteTlsActivation('a2');
        await tx.deleteTlsPrivateKey('k2');
      });
      await store.transaction(async (tx) => {
        assert.deepEqual((await tx.listTlsCertificates()).map((c) => [c.name, c.domains, c.updatedAt]), [['renamed', ['www.example.com'], T1]]);
        assert.deepEqual(await tx.listTlsActivations(), [{ ...activation('a1', '*.example.com', 'c1'), updatedAt: T1 }]);
        assert.deepEqual((await tx.listTlsPrivateKeys()).map((k) => k.id), ['k1']);
        await tx.deleteTlsActivation('a1');
        await tx.deleteTlsCertificate('c1');
        assert.deepEqual(await tx.listTlsCertificates(), []);
      });
    });

    test('TLS material joins each activation to its certificate and matching key, and every write raises its generation', async (t) => {
      const store = await fresh(t);
      const first = await store.transaction((tx) => tx.tlsMaterial());
      assert.deepEqual(first.activations, []);
      const seen: StoreEvent[] = [];
      store.events.on('event', (e) => seen.push(e));
      await store.transaction(async (tx) => {
        await tx.insertTlsPrivateKey(key('k1', 'aa'));
        await tx.insertTlsCertificate(cert('c1', 'aa', ['b.example', 'a.example']));
        await tx.insertTlsActivation(activation('a1', 'b.example', 'c1'));
        await tx.insertTlsActivation(activation('a2', 'a.example', 'c1'));
        tx.publish({ type: 'tls' });
      });
      const material = await store.transaction((tx) => tx.tlsMaterial());
      assert.equal(material.generation, first.generation + 4);
      assert.deepEqual(material.activations, ['a.example', 'b.example'].map((domain) => ({
        domain, certificateId: 'c1', certPem: 'PEM c1', keyPem: key('k1', 'aa').keyPem, notAfter: '2030-01-01T00:00:00.000Z',
      })));
      assert.deepEqual(seen, [{ type: 'tls' }]);
      await store.transaction((tx) => tx.deleteTlsActivation('a2'));
      const after = await store.transaction((tx) => tx.tlsMaterial());
      assert.deepEqual([after.generation, after.activations.map((a) => a.domain)], [first.generation + 5, ['b.example']]);
    });
  });
}
