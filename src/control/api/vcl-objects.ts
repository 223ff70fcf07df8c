// The VCL service objects with Fastly's paths (/service/{sid}/version/{v}/<kind>[/{name}]):
// condition, header, response_object, request_settings, cache_settings, gzip
// (https://www.fastly.com/documentation/reference/api/vcl-services/). Their fields are checked
// by their resources (src/model/api); here, the conditions they name (./conditions.ts).
import * as model from '../../model/api/index.ts';
import type { HeaderType } from '../../model/api/index.ts';
import type { NewObjectRow } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { renameConditionReferences, requireConditions } from './conditions.ts';
import type { ControlDeps } from './deps.ts';
import { registerObjectRoutes } from './objects.ts';

/** The condition field each type of header takes: the one whose type can run where it applies. */
const HEADER_CONDITION_FIELD: Readonly<Record<HeaderType, readonly ('request_condition' | 'cache_condition' | 'response_condition')[]>> = {
  request: ['request_condition'],
  fetch: ['request_condition'],
  cache: ['request_condition', 'cache_condition'],
  response: ['request_condition', 'response_condition'],
};

async function checkHeaderConditions(tx: Parameters<typeof requireConditions>[0], row: NewObjectRow): Promise<void> {
  const type = row.data.type as HeaderType;
  const set = (['request_condition', 'cache_condition', 'response_condition'] as const).filter((f) => typeof row.data[f] === 'string' && row.data[f] !== '');
  for (const field of set) {
    if (!HEADER_CONDITION_FIELD[type].includes(field)) {
      throw new ApiError('badRequest', `${field}: a ${type} header runs where a ${field.replace('_condition', '')} condition cannot be evaluated; use ${HEADER_CONDITION_FIELD[type].join(' or ')}`);
    }
  }
  if (set.length > 1) throw new ApiError('badRequest', `${set[1]}: a header takes one condition; ${set[0]} is already given`);
  // A PREFETCH condition runs in vcl_miss and vcl_pass: only a fetch header runs there.
  await requireConditions(tx, row, set, { request_condition: type === 'fetch' ? ['REQUEST', 'PREFETCH'] : ['REQUEST'] });
}

export function registerVclObjectRoutes(routes: RouteTable, deps: ControlDeps): void {
  registerObjectRoutes(routes, deps, model.condition, {
    async afterWrite(tx, row, previousName) {
      if (previousName !== null && previousName !== row.name) await renameConditionReferences(tx, row, previousName, row.name);
    },
  });
  registerObjectRoutes(routes, deps, model.header, { beforeWrite: (tx, row) => checkHeaderConditions(tx, row) });
  registerObjectRoutes(routes, deps, model.responseObject, {
    beforeWrite: (tx, row) => requireConditions(tx, row, ['request_condition', 'cache_condition'], { request_condition: ['REQUEST'] }),
  });
  registerObjectRoutes(routes, deps, model.requestSettings, {
    beforeWrite: (tx, row) => requireConditions(tx, row, ['request_condition'], { request_condition: ['REQUEST'] }),
  });
  registerObjectRoutes(routes, deps, model.cacheSettings, { beforeWrite: (tx, row) => requireConditions(tx, row, ['cache_condition']) });
  registerObjectRoutes(routes, deps, model.gzip, { beforeWrite: (tx, row) => requireConditions(tx, row, ['cache_condition']) });
}
