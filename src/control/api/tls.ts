// Fastly's custom-certificate TLS API (DESIGN.md §4.2): account-level resources. Tenancy: a
// token scoped to one service may neither read nor change them (no route declares `scoped`), as
// Fastly's TLS endpoints need a token for the whole account; a read-only token for every
// service may read them, and only a token for every service that may write can change them.
import type { RouteTable } from '../routes.ts';
import type { ControlDeps } from './deps.ts';
import { registerTlsActivationRoutes } from './tls-activations.ts';
import { registerTlsCertificateRoutes } from './tls-certificates.ts';
import { registerTlsDomainRoutes } from './tls-domains.ts';
import { registerTlsKeyRoutes } from './tls-keys.ts';

export function registerTlsRoutes(routes: RouteTable, deps: ControlDeps): void {
  registerTlsKeyRoutes(routes, deps);
  registerTlsCertificateRoutes(routes, deps);
  registerTlsActivationRoutes(routes, deps);
  registerTlsDomainRoutes(routes, deps);
}
