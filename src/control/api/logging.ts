// Fastly's logging endpoints: /service/{sid}/version/{v}/logging/<type>[/{name}], the same five
// routes as every versioned object (./objects.ts), one set per type lacquer delivers to
// (https://www.fastly.com/documentation/reference/api/logging/). A response_condition must name
// a RESPONSE condition of the version (it gates the log statement in vcl_log or vcl_deliver,
// where resp exists; ./conditions.ts). Fastly's other endpoint types answer 400 saying lacquer
// does not deliver to them, on every verb, so a Terraform plan that uses one fails at once
// instead of applying a configuration whose logs go nowhere (DESIGN.md §4.2).
import { LOGGING_ENDPOINTS, LOGGING_TYPES, UNSUPPORTED_LOGGING_TYPES } from '../../model/api/logging/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { requireConditions } from './conditions.ts';
import type { ControlDeps } from './deps.ts';
import { registerObjectRoutes } from './objects.ts';

export function unsupportedLoggingType(type: string): ApiError {
  const fastly = (UNSUPPORTED_LOGGING_TYPES as readonly string[]).includes(type);
  return new ApiError('badRequest', `logging/${type}: ${fastly ? `Fastly's ${type} logging endpoint is not supported by lacquer` : `'${type}' is not a logging endpoint type`}; `
    + `lacquer delivers to ${LOGGING_TYPES.join(', ')}`);
}

export function registerLoggingRoutes(routes: RouteTable, deps: ControlDeps): void {
  for (const type of LOGGING_TYPES) {
    registerObjectRoutes(routes, deps, LOGGING_ENDPOINTS[type], {
      path: `logging/${type}`,
      beforeWrite: (tx, row) => requireConditions(tx, row, ['response_condition']),
    });
  }
  // Static paths win over this parametric one in fastify's router, so only other types reach it.
  const base = '/service/:service_id/version/:version_id/logging/:type';
  const refuse = async ({ params }: { params: Readonly<Record<string, string>> }): Promise<never> => { throw unsupportedLoggingType(params.type); };
  for (const method of ['GET', 'POST'] as const) {
    routes.add({ method, url: base, summary: 'A logging endpoint type lacquer does not deliver to', tag: 'logging', access: method === 'GET' ? 'read' : 'write' }, refuse);
  }
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    routes.add({ method, url: `${base}/:name`, summary: 'A logging endpoint type lacquer does not deliver to', tag: 'logging', access: method === 'GET' ? 'read' : 'write' }, refuse);
  }
}
