// API tokens (DESIGN.md §4.2, `Fastly-Key`) as the Store keeps them: a hash, never the secret.

export interface TokenRow {
  readonly id: string;
  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  readonly hash: string;
  readonly name: string | null;
  /** null: every service. */
  readonly serviceId: string | null;
  readonly readOnly: boolean;
  readonly createdAt: string;
}

/** The tokens a transaction reads and writes. */
export interface TokenRows {
  insertToken(row: TokenRow): Promise<void>;
  getTokenByHash(hash: string): Promise<TokenRow | null>;
  listTokens(): Promise<TokenRow[]>;
  deleteToken(id: string): Promise<void>;
}
