// TLS rows on PostgreSQL (src/store/tls.ts); every write raises the TLS generation in the same transaction.
import type { TlsMaterial } from '../../model/tls.ts';
import { toTlsActivation, toTlsActivationMaterial, toTlsCertificate, toTlsPrivateKey } from '../rows.ts';
import type { TlsActivationRow, TlsCertificateRow, TlsPrivateKeyRow, TlsRows } from '../tls.ts';
import type { PostgresStatements } from './sql.ts';

async function bumpTls(db: PostgresStatements): Promise<void> {
  await db.write('tls_generation', 'UPDATE tls_generation SET generation = generation + 1 WHERE id = 1', []);
}

export function tlsRows(db: PostgresStatements): TlsRows {
  return {
    async insertTlsPrivateKey(r: TlsPrivateKeyRow): Promise<void> {
      await db.write(`private key ${r.id}`, `INSERT INTO tls_private_keys (id, name, key_pem, key_type, key_length, public_key_sha1, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [r.id, r.name, r.keyPem, r.keyType, r.keyLength, r.publicKeySha1, r.createdAt], true);
      await bumpTls(db);
    },

    async listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]> {
      return (await db.rows('private keys', 'SELECT * FROM tls_private_keys ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toTlsPrivateKey);
    },

    async deleteTlsPrivateKey(id: string): Promise<void> {
      await db.write('private key', 'DELETE FROM tls_private_keys WHERE id = $1', [id]);
      await bumpTls(db);
    },

    async insertTlsCertificate(r: TlsCertificateRow): Promise<void> {
      await db.write(`certificate ${r.id}`, `INSERT INTO tls_certificates (id, name, cert_pem, public_key_sha1, issued_to, issuer, serial_number,
        signature_algorithm, not_before, not_after, domains, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT DO NOTHING`, [r.id, r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore,
        r.notAfter, JSON.stringify(r.domains), r.createdAt, r.updatedAt], true);
      await bumpTls(db);
    },

    async replaceTlsCertificate(r: TlsCertificateRow): Promise<void> {
      await db.write(`certificate ${r.id}`, `UPDATE tls_certificates SET name = $1, cert_pem = $2, public_key_sha1 = $3, issued_to = $4, issuer = $5,
        serial_number = $6, signature_algorithm = $7, not_before = $8, not_after = $9, domains = $10, created_at = $11, updated_at = $12 WHERE id = $13`,
      [r.name, r.certPem, r.publicKeySha1, r.issuedTo, r.issuer, r.serialNumber, r.signatureAlgorithm, r.notBefore, r.notAfter,
        JSON.stringify(r.domains), r.createdAt, r.updatedAt, r.id]);
      await bumpTls(db);
    },

    async listTlsCertificates(): Promise<TlsCertificateRow[]> {
      return (await db.rows('certificates', 'SELECT * FROM tls_certificates ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toTlsCertificate);
    },

    async deleteTlsCertificate(id: string): Promise<void> {
      await db.write('certificate', 'DELETE FROM tls_certificates WHERE id = $1', [id]);
      await bumpTls(db);
    },

    async insertTlsActivation(r: TlsActivationRow): Promise<void> {
      await db.write(`activation of ${r.domain}`, `INSERT INTO tls_activations (id, domain, certificate_id, configuration_id, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [r.id, r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt], true);
      await bumpTls(db);
    },

    async replaceTlsActivation(r: TlsActivationRow): Promise<void> {
      await db.write(`activation of ${r.domain}`, `UPDATE tls_activations SET domain = $1, certificate_id = $2, configuration_id = $3, created_at = $4,
        updated_at = $5 WHERE id = $6`, [r.domain, r.certificateId, r.configurationId, r.createdAt, r.updatedAt, r.id]);
      await bumpTls(db);
    },

    async listTlsActivations(): Promise<TlsActivationRow[]> {
      return (await db.rows('activations', 'SELECT * FROM tls_activations ORDER BY domain COLLATE "C"')).map(toTlsActivation);
    },

    async deleteTlsActivation(id: string): Promise<void> {
      await db.write('activation', 'DELETE FROM tls_activations WHERE id = $1', [id]);
      await bumpTls(db);
    },

    async tlsMaterial(): Promise<TlsMaterial> {
      const row = await db.one('tls_generation', 'SELECT generation FROM tls_generation WHERE id = 1');
      const activations = (await db.rows('tls material', `SELECT a.domain, a.certificate_id, c.cert_pem, k.key_pem, c.not_after FROM tls_activations a
        JOIN tls_certificates c ON c.id = a.certificate_id JOIN tls_private_keys k ON k.public_key_sha1 = c.public_key_sha1
        ORDER BY a.domain COLLATE "C"`)).map(toTlsActivationMaterial);
      return { generation: Number(row?.generation ?? 0), activations };
    },
  };
}
