// GET /verify: who a token belongs to and what it may reach, as Fastly answers it (the Fastly
// CLI's `whoami` reads customer, user, services and token). lacquer has one customer and one
// user; `services` maps each service the token reaches to its name — a token scoped to one
// service sees that one only.
import type { TokenRow } from '../../store/index.ts';
import type { RouteTable } from '../routes.ts';
import type { ControlDeps } from './deps.ts';

export function registerVerifyRoutes(routes: RouteTable, deps: ControlDeps): void {
  routes.add({ method: 'GET', url: '/verify', summary: 'The token, its user and the services it reaches', tag: 'token', access: 'read', scoped: 'own-service' }, async ({ token }) => {
    const t = token as TokenRow;
    const services = await deps.store.transaction((tx) => tx.listServices());
    const visible = services.filter((s) => t.serviceId === null || s.id === t.serviceId);
    return {
      customer: { id: 'lacquer', name: 'lacquer' },
      user: { id: 'lacquer', name: 'lacquer administrator', login: 'admin' },
      services: Object.fromEntries(visible.map((s) => [s.id, s.name])),
      token: { id: t.id, name: t.name ?? '', created_at: t.createdAt, expires_at: null, scope: t.readOnly ? 'global:read' : 'global' },
    };
  });
}
