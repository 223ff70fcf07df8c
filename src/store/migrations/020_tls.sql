-- Fastly's custom-certificate TLS API (DESIGN.md §4.2: /tls/private_keys, /tls/certificates,
-- /tls/activations; https://www.fastly.com/documentation/reference/api/tls/custom-certs/).
-- Account-level rows, not version-scoped: an activation takes effect at once on every edge node.
-- Kept to SQL that SQLite and PostgreSQL both accept (src/store/README.md).

-- A private key in PEM, readable by the server alone: the database's own access control guards
-- it (docs/api.md, TLS). A certificate finds its key by `public_key_sha1` (SHA-1 of the DER
-- SubjectPublicKeyInfo), which is therefore unique: one key per public key.
CREATE TABLE tls_private_keys (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  key_pem         TEXT NOT NULL,
  key_type        TEXT NOT NULL,
  key_length      INTEGER NOT NULL,
  public_key_sha1 TEXT NOT NULL UNIQUE,
  created_at      TEXT NOT NULL
);

-- A leaf certificate and its intermediates in PEM, with what the API shows of it; `domains` is
-- the JSON list of its DNS Subject Alternative Names.
CREATE TABLE tls_certificates (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  cert_pem            TEXT NOT NULL,
  public_key_sha1     TEXT NOT NULL,
  issued_to           TEXT NOT NULL,
  issuer              TEXT NOT NULL,
  serial_number       TEXT NOT NULL,
  signature_algorithm TEXT NOT NULL,
  not_before          TEXT NOT NULL,
  not_after           TEXT NOT NULL,
  domains             TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);

-- One certificate serves a domain: the domain is unique.
CREATE TABLE tls_activations (
  id                TEXT PRIMARY KEY,
  domain            TEXT NOT NULL UNIQUE,
  certificate_id    TEXT NOT NULL REFERENCES tls_certificates (id),
  configuration_id  TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);

-- Raised by every write to the three tables above, in the same transaction: the generation of
-- the TLS material (src/model/tls.ts), so an edge node never swaps in an older copy.
CREATE TABLE tls_generation (
  id          INTEGER PRIMARY KEY,
  generation  BIGINT NOT NULL
);
INSERT INTO tls_generation (id, generation) VALUES (1, 0);
