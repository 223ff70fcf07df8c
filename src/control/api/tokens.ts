// Tokens, shaped like Fastly's https://www.fastly.com/documentation/reference/api/auth-tokens/user/
// `scope` is `global` or `global:read`; `services` limits a token to one service.
import { Type } from '@sinclair/typebox';
import type { StoreTx, TokenRow } from '../../store/index.ts';
import { createToken } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { requireService } from '../versions.ts';
import type { ControlDeps } from './deps.ts';

const TokenBody = Type.Object({
  id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), scope: Type.String(), services: Type.Array(Type.String()),
  created_at: Type.String(), access_token: Type.Optional(Type.String()),
});

function tokenBody(t: TokenRow): Record<string, unknown> {
  return {
    id: t.id, name: t.name, scope: t.readOnly ? 'global:read' : 'global', services: t.serviceId === null ? [] : [t.serviceId],
    created_at: t.createdAt, user_id: 'lacquer', expires_at: null,
  };
}

export function registerTokenRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;
  routes.add({
    method: 'POST', url: '/tokens', summary: 'Create a token (shown once)', tag: 'token', access: 'admin', response: TokenBody,
    body: Type.Object({ name: Type.Optional(Type.String()), service_id: Type.Optional(Type.String()), scope: Type.Optional(Type.String()) }),
  }, async ({ body, reply }) => {
    const input = (body ?? {}) as Record<string, unknown>;
    const serviceId = typeof input.service_id === 'string' && input.service_id !== '' ? input.service_id : null;
    const scope = typeof input.scope === 'string' && input.scope !== '' ? input.scope : 'global';
    if (scope !== 'global' && scope !== 'global:read') throw new ApiError('badRequest', 'scope: must be one of global, global:read');
    if (serviceId !== null) await store.transaction((tx) => requireService(tx, serviceId));
    const name = typeof input.name === 'string' && input.name !== '' ? input.name : null;
    const { secret, token } = await createToken(store, { name, serviceId, readOnly: scope === 'global:read' });
    reply.code(200);
    return { ...tokenBody(token), access_token: secret };
  });
  routes.add({ method: 'GET', url: '/tokens/self', summary: 'Describe the token making this request', tag: 'token', access: 'read', scoped: 'no-service-data', response: TokenBody }, async ({ token }) =>
    tokenBody(token as TokenRow));
  // https://www.fastly.com/documentation/reference/api/auth-tokens/user/: list, revoke one, revoke the caller's own.
  routes.add({ method: 'GET', url: '/tokens', summary: 'List tokens (never their secrets)', tag: 'token', access: 'admin', response: Type.Array(TokenBody) }, async () =>
    store.transaction(async (tx) => (await tx.listTokens()).map(tokenBody)));
  routes.add({ method: 'DELETE', url: '/tokens/self', summary: 'Revoke the token making this request', tag: 'token', access: 'read', scoped: 'no-service-data' }, async ({ token, reply }) => {
    await store.transaction((tx) => revoke(tx, token as TokenRow));
    return reply.code(204).send();
  });
  routes.add({ method: 'DELETE', url: '/tokens/:token_id', summary: 'Revoke a token', tag: 'token', access: 'admin' }, async ({ params, reply }) => {
    await store.transaction(async (tx) => {
      const target = (await tx.listTokens()).find((t) => t.id === params.token_id);
      if (target === undefined) throw new ApiError('notFound', `Couldn't find token '${params.token_id}'`);
      await revoke(tx, target);
    });
    return reply.code(204).send();
  });
  routes.add({ method: 'GET', url: '/current_user', summary: 'The user behind the token (lacquer has one)', tag: 'token', access: 'read', scoped: 'no-service-data' }, async () =>
    ({ id: 'lacquer', login: 'admin', name: 'lacquer administrator', customer_id: 'lacquer', role: 'superuser' }));
}

/**
 * Revokes a token, unless it is the last admin token (for every service, not read-only): with
 * none left nobody could create tokens again short of editing the database, so lacquer refuses
 * (Fastly has its web login for that; lacquer has only tokens).
 */
async function revoke(tx: StoreTx, token: TokenRow): Promise<void> {
  const isAdmin = (t: TokenRow): boolean => t.serviceId === null && !t.readOnly;
  if (isAdmin(token) && (await tx.listTokens()).filter(isAdmin).length === 1) {
    throw new ApiError('badRequest', `token ${token.id} is the last admin token; create another admin token before revoking it`);
  }
  await tx.deleteToken(token.id);
}
