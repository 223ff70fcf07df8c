// JSON:API (https://jsonapi.org/format/1.0/) as Fastly's TLS endpoints speak it: request bodies
// `{"data":{"type","attributes","relationships"}}`, answers of the same shape with `links` and
// `meta` for lists, errors as `{"errors":[{"status","title","detail"}]}`, all under the media type
// application/vnd.api+json — go-fastly decodes an error's detail only under exactly that type.
// The clients' request bodies are taken as they send them: go-fastly sends `"type": ""` for a
// private key and a top-level `included` array of the related objects, which carry nothing the
// relationships do not, so `included` is ignored.
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors.ts';
import type { RequestInfo, RouteHandler } from '../routes.ts';

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';

export interface Identifier {
  readonly id: string;
  readonly type: string;
}

export interface Resource extends Identifier {
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly relationships?: Readonly<Record<string, { readonly data: Identifier | readonly Identifier[] | null }>>;
}

export interface RequestData {
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Each relationship given with a resource identifier: its id (a `null` linkage is left out). */
  readonly relationships: Readonly<Record<string, string>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's `data`, checked: its type, attributes among `attributes`, relationships among `relationships`. */
export function readData(body: unknown, type: string, attributes: readonly string[], relationships: readonly string[]): RequestData {
  if (!isObject(body) || !isObject(body.data)) {
    throw new ApiError('badRequest', `data: required, a JSON:API document {"data": {"type": "${type}", …}}`);
  }
  const data = body.data;
  if (data.type !== undefined && data.type !== '' && data.type !== type) {
    throw new ApiError('badRequest', `data.type: must be "${type}", got ${JSON.stringify(data.type)}`);
  }
  const attrs = data.attributes ?? {};
  if (!isObject(attrs)) throw new ApiError('badRequest', 'data.attributes: must be an object');
  for (const name of Object.keys(attrs)) {
    if (!attributes.includes(name)) {
      throw new ApiError('badRequest', `data.attributes.${name}: not an attribute of ${type} that lacquer supports (${attributes.join(', ') || 'none'})`);
    }
  }
  const rels = data.relationships ?? {};
  if (!isObject(rels)) throw new ApiError('badRequest', 'data.relationships: must be an object');
  const ids: Record<string, string> = {};
  for (const [name, rel] of Object.entries(rels)) {
    if (!relationships.includes(name)) {
      throw new ApiError('badRequest', `data.relationships.${name}: not a relationship of ${type} that lacquer supports (${relationships.join(', ') || 'none'})`);
    }
    if (!isObject(rel) || !('data' in rel)) throw new ApiError('badRequest', `data.relationships.${name}: must be {"data": {"type", "id"}}`);
    if (rel.data === null) continue;
    if (!isObject(rel.data) || typeof rel.data.id !== 'string' || rel.data.id === '') {
      throw new ApiError('badRequest', `data.relationships.${name}.data.id: must be a non-empty string`);
    }
    ids[name] = rel.data.id;
  }
  return { attributes: attrs, relationships: ids };
}

/** An optional string attribute; empty means unset (DESIGN.md §4.2). */
export function stringAttribute(data: RequestData, name: string): string | null {
  const v = data.attributes[name];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new ApiError('badRequest', `data.attributes.${name}: must be a string`);
  return v;
}

export function booleanAttribute(data: RequestData, name: string): boolean | null {
  const v = data.attributes[name];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw new ApiError('badRequest', `data.attributes.${name}: must be a boolean`);
}

export type Query = RequestInfo['query'];

/** Refuses query parameters other than `allowed` (a filter lacquer does not apply must not look applied). */
export function checkQuery(query: Query, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key) && key !== 'page[number]' && key !== 'page[size]') {
      throw new ApiError('badRequest', `${key}: not a query parameter lacquer supports here (${[...allowed, 'page[number]', 'page[size]'].join(', ')})`);
    }
  }
}

export function booleanFilter(query: Query, key: string): boolean | null {
  const v = query[key];
  if (v === undefined || v === '') return null;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('badRequest', `${key}: must be true or false`);
}

/** `include=a,b`, each among `allowed`. */
export function includes(query: Query, allowed: readonly string[]): Set<string> {
  const raw = query.include;
  if (raw === undefined || raw === '') return new Set();
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.find((n) => !allowed.includes(n));
  if (bad !== undefined) throw new ApiError('badRequest', `include: ${bad} is not one of ${allowed.join(', ')}`);
  return new Set(names);
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

function pageParam(query: Query, key: string, fallback: number, max: number): number {
  const raw = query[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d{0,8}$/.test(raw) || Number(raw) > max) throw new ApiError('badRequest', `${key}: must be an integer from 1 to ${max}`);
  return Number(raw);
}

/**
 * One page of `all` with Fastly's `links` and `meta`. A page past the last is empty, not an
 * error: the Terraform provider lists by asking for pages until one comes back empty.
 */
export function paginate<T>(query: Query, path: string, all: readonly T[]): { page: T[]; links: Record<string, string | null>; meta: Record<string, number> } {
  const size = pageParam(query, 'page[size]', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const number = pageParam(query, 'page[number]', 1, 1e9);
  const total = Math.max(1, Math.ceil(all.length / size));
  const link = (n: number): string => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'page[number]' && k !== 'page[size]') params.set(k, v);
    params.set('page[number]', String(n));
    params.set('page[size]', String(size));
    return `${path}?${params.toString()}`;
  };
  return {
    page: all.slice((number - 1) * size, number * size),
    links: { self: link(number), first: link(1), prev: number > 1 ? link(Math.min(number - 1, total)) : null, next: number < total ? link(number + 1) : null, last: link(total) },
    meta: { per_page: size, current_page: number, record_count: all.length, total_pages: total },
  };
}

/** A Buffer, so fastify sends the media type exactly (it adds `; charset=utf-8` to a string's). */
function send(reply: FastifyReply, status: number, doc: unknown): FastifyReply {
  return reply.code(status).header('content-type', JSONAPI_MEDIA_TYPE).send(Buffer.from(JSON.stringify(doc)));
}

export interface JsonApiAnswer {
  readonly status?: number;
  /** undefined: no body (204). */
  readonly doc?: unknown;
}

/**
 * A route handler answering JSON:API: the handler's document with its status, an ApiError as a
 * JSON:API error with the same status. Authentication failures happen before the handler and
 * keep the API's `{"msg"}` shape, as Fastly's do.
 */
export function jsonApi(handler: (req: RequestInfo) => Promise<JsonApiAnswer>): RouteHandler {
  return async (req) => {
    try {
      const answer = await handler(req);
      if (answer.doc === undefined) return req.reply.code(answer.status ?? 204).send();
      return send(req.reply, answer.status ?? 200, answer.doc);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return send(req.reply, err.status, { errors: [{ status: String(err.status), title: err.msg, detail: err.detail ?? err.msg }] });
    }
  };
}
