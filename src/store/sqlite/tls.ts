// TLS rows on SQLite (src/store/tls.ts); every write raises the TLS generation in the same transaction.
import type { TlsMaterial } from '../../model/tls.ts';
import { toTlsActivation, toTlsActivationMaterial, toTlsCertificate, toTlsPrivateKey } from '../rows.ts';
import type { TlsActivationRow, TlsCertificateRow, TlsPrivateKeyRow, TlsRows } from '../tls.ts';
import type { SqliteStatements } from './statements.ts';

function bumpTls(db: SqliteStatements): void {
  db.run('UPDATE tls_generation SET generation = generation + 1 WHERE id = 1', 'tls_generation');
}

export function tlsRows(db: SqliteStatements): TlsRows {
  return {
    async insertTlsPrivateKey(r: TlsPrivateKeyRow): Promise<void> {
      db.run(`INSERT INTO tls_private_keys (id, name, key_pem, key_type, key_length, public_key_sha1, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`, `private key ${r.id}`, r.id, r.name, r.keyPem, r.keyType, r.keyLength, r.publicKeySha1, r.createdAt);
      bumpTls(db);
    },

    async listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]> {
      return db.all('SELECT * FROM tls_private_keys ORDER BY created_at, id').map(toTlsPrivateKey);
    },

    async deleteTlsPrivateKey(id: string): Promise<void> {
      db.run('DELETE FROM tls_private_keys WHERE id = ?', 'private key', id);
      bumpTls(db);
    },

    async insertTlsCertificate(r: TlsCertificateRow): Promise<void> {
      db.run(`INSERT INTO tls_certificates (id, name, cert_pem, public_key_sha1, issued_to, issuer, serial_number, signature_algorithm,
        not_before, not_after, domains, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `certificate ${r.id}`,
      r.id, r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
      JSON.stringify(r.domains), r.createdAt, r.updatedAt);
      bumpTls(db);
    },

    async replaceTlsCertificate(r: TlsCertificateRow): Promise<void> {
      db.run(`UPDATE tls_certificates SET name = ?, cert_pem = ?, public_key_sha1 = ?, issued_to = ?, issuer = ?, serial_number = ?,
        signature_algorithm = ?, not_before = ?, not_after = ?, domains = ?, created_at = ?, updated_at = ? WHERE id = ?`, `certificate ${r.id}`,
      r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
      JSON.stringify(r.domains), r.createdAt, r.updatedAt, r.id);
      bumpTls(db);
    },

    async listTlsCertificates(): Promise<TlsCertificateRow[]> {
      return db.all('SELECT * FROM tls_certificates ORDER BY created_at, id').map(toTlsCertificate);
    },

    async deleteTlsCertificate(id: string): Promise<void> {
      db.run('DELETE FROM tls_certificates WHERE id = ?', 'certificate', id);
      bumpTls(db);
    },

    async insertTlsActivation(r: TlsActivationRow): Promise<void> {
      db.run(`INSERT INTO tls_activations (id, domain, certificate_id, configuration_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
        `activation of ${r.domain}`, r.id, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt);
      bumpTls(db);
    },

    async replaceTlsActivation(r: TlsActivationRow): Promise<void> {
      db.run('UPDATE tls_activations SET domain = ?, certificate_id = ?, configuration_id = ?, created_at = ?, updated_at = ? WHERE id = ?',
        `activation of ${r.domain}`, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt, r.id);
      bumpTls(db);
    },

    async listTlsActivations(): Promise<TlsActivationRow[]> {
      return db.all('SELECT * FROM tls_activations ORDER BY domain').map(toTlsActivation);
    },

    async deleteTlsActivation(id: string): Promise<void> {
      db.run('DELETE FROM tls_activations WHERE id = ?', 'activation', id);
      bumpTls(db);
    },

    async tlsMaterial(): Promise<TlsMaterial> {
      const generation = Number(db.get('SELECT generation FROM tls_generation WHERE id = 1')?.generation ?? 0);
      const activations = db.all(`SELECT a.domain, a.certificate_id, c.cert_pem, k.key_pem, c.not_after FROM tls_activations a
        JOIN tls_certificates c ON c.id = a.certificate_id JOIN tls_private_keys k ON k.public_key_sha1 = c.public_key_sha1
        ORDER BY a.domain`).map(toTlsActivationMaterial);
      return { generation, activations };
    },
  };
}
