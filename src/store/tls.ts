// TLS as the Store keeps it (DESIGN.md §4.2 /tls/*): account-level private keys, certificates
// and activations, and the generation every write raises so edge nodes know to read again.
import type { TlsMaterial } from '../model/tls.ts';

/** A private key uploaded to /tls/private_keys (account-level). `keyPem` never leaves the server. */
export interface TlsPrivateKeyRow {
  readonly id: string;
  readonly name: string;
  readonly keyPem: string;
  readonly keyType: 'RSA' | 'ECDSA';
  readonly keyLength: number;
  /** Hex SHA-1 of the DER SubjectPublicKeyInfo; unique among keys. */
  readonly publicKeySha1: string;
  readonly createdAt: string;
}

/** A certificate uploaded to /tls/certificates: the leaf then its intermediates, and what the API shows of it. */
export interface TlsCertificateRow {
  readonly id: string;
  readonly name: string;
  readonly certPem: string;
  /** Of the leaf's public key: the private key it needs (TlsPrivateKeyRow.publicKeySha1). */
  readonly publicKeySha1: string;
  readonly issuedTo: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly signatureAlgorithm: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** DNS Subject Alternative Names, in the certificate's order. */
  readonly domains: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A domain served over HTTPS with a certificate (/tls/activations); the domain is unique. */
export interface TlsActivationRow {
  readonly id: string;
  readonly domain: string;
  readonly certificateId: string;
  readonly configurationId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The TLS rows a transaction reads and writes. */
export interface TlsRows {
  // TLS (account-level). Every write raises the TLS generation by one within the transaction.
  /** Throws StoreConflictError when the id or the public key is taken. */
  insertTlsPrivateKey(row: TlsPrivateKeyRow): Promise<void>;
  /** By created_at, then id. */
  listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]>;
  deleteTlsPrivateKey(id: string): Promise<void>;
  insertTlsCertificate(row: TlsCertificateRow): Promise<void>;
  /** Replaces the certificate with `row.id` (keeps created_at as given in row). */
  replaceTlsCertificate(row: TlsCertificateRow): Promise<void>;
  /** By created_at, then id. */
  listTlsCertificates(): Promise<TlsCertificateRow[]>;
  deleteTlsCertificate(id: string): Promise<void>;
  /** Throws StoreConflictError when the id or the domain is taken. */
  insertTlsActivation(row: TlsActivationRow): Promise<void>;
  /** Replaces the activation with `row.id`. */
  replaceTlsActivation(row: TlsActivationRow): Promise<void>;
  /** By domain (byte order). */
  listTlsActivations(): Promise<TlsActivationRow[]>;
  deleteTlsActivation(id: string): Promise<void>;
  /**
   * What the HTTPS listener serves (src/model/tls.ts): each activation with its certificate and
   * the private key matching it, by domain (byte order); `generation` is the TLS generation.
   */
  tlsMaterial(): Promise<TlsMaterial>;
}
