// API tokens on SQLite (src/store/tokens.ts).
import { toToken } from '../rows.ts';
import type { TokenRow, TokenRows } from '../tokens.ts';
import type { SqliteStatements } from './statements.ts';

export function tokenRows(db: SqliteStatements): TokenRows {
  return {
    async insertToken(r: TokenRow): Promise<void> {
      db.run('INSERT INTO tokens (id, hash, name, service_id, read_only, created_at) VALUES (?, ?, ?, ?, ?, ?)', `token ${r.id}`,
        r.id, r.hash, r.name, r.serviceId, r.readOnly ? 1 : 0, r.createdAt);
    },

    async getTokenByHash(hash: string): Promise<TokenRow | null> {
      const row = db.get('SELECT * FROM tokens WHERE hash = ?', hash);
      return row === undefined ? null : toToken(row);
    },

    async listTokens(): Promise<TokenRow[]> {
      return db.all('SELECT * FROM tokens ORDER BY created_at, id').map(toToken);
    },

    async deleteToken(id: string): Promise<void> {
      db.run('DELETE FROM tokens WHERE id = ?', 'token', id);
    },
  };
}
