// /openapi.json, built from the route table: the paths and the typebox schemas that the
// handlers validate with (OpenAPI 3.1 uses JSON Schema, which typebox emits).
import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from './routes.ts';

/** JSON of a schema without typebox's symbol keys; the `rule` sentence is kept as `x-rule`. */
function plain(schema: TSchema): unknown {
  return renameRule(JSON.parse(JSON.stringify(schema)));
}

function renameRule(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(renameRule);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key === 'rule' && typeof value === 'string' ? 'x-rule' : key] = renameRule(value);
  return out;
}

export function buildOpenApi(specs: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const rest = spec.url.endsWith('*') ? spec.wildcard ?? 'path' : null;
    const path = spec.url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, `{${rest}}`);
    const names = [...spec.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]).concat(rest === null ? [] : [rest]);
    const params = names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters: params,
      security: spec.access === 'public' ? [] : [{ token: [] }],
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: spec.response === undefined ? {} : plain(spec.response) } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (spec.body !== undefined) {
      const schema = plain(spec.body);
      op.requestBody = { content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } } };
    }
    (paths[path] ??= {})[spec.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lacquer control API (Fastly-compatible)', version },
    components: {
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Fastly-Key' } },
      schemas: { Error: { type: 'object', properties: { msg: { type: 'string' }, detail: { type: 'string' } }, required: ['msg'] } },
    },
    paths,
  };
}
