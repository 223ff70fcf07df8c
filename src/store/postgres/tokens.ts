// API tokens on PostgreSQL (src/store/tokens.ts).
import { toToken } from '../rows.ts';
import type { TokenRow, TokenRows } from '../tokens.ts';
import type { PostgresStatements } from './sql.ts';

export function tokenRows(db: PostgresStatements): TokenRows {
  return {
    async insertToken(r: TokenRow): Promise<void> {
      await db.write(`token ${r.id}`, `INSERT INTO tokens (id, hash, name, service_id, read_only, created_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT DO NOTHING`, [r.id, r.hash, r.name, r.serviceId, r.readOnly ? 1 : 0, r.createdAt], true);
    },

    async getTokenByHash(hash: string): Promise<TokenRow | null> {
      const row = await db.one('token', 'SELECT * FROM tokens WHERE hash = $1', hash);
      return row === null ? null : toToken(row);
    },

    async listTokens(): Promise<TokenRow[]> {
      return (await db.rows('tokens', 'SELECT * FROM tokens ORDER BY created_at COLLATE "C", id COLLATE "C"')).map(toToken);
    },

    async deleteToken(id: string): Promise<void> {
      await db.write('token', 'DELETE FROM tokens WHERE id = $1', [id]);
    },
  };
}
