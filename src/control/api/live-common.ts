// What the versionless routes share: finding the versioned object an id names, Fastly's
// pagination of long lists, and reading a body's fields with the rule each one breaks.
import { typedRecord, type ResourceBase, type RecordOf } from '../../model/api/index.ts';
import type { ObjectKind, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { requireService } from '../versions.ts';

/**
 * The newest version's record of the dictionary, ACL or snippet with this id: items, entries
 * and dynamic content belong to the id, whichever versions hold it (Fastly's paths name no version).
 */
export async function requireLiveObject<R extends ResourceBase>(tx: StoreTx, serviceId: string, resource: R, id: string): Promise<RecordOf<R>> {
  await requireService(tx, serviceId);
  for (const v of (await tx.listVersions(serviceId)).reverse()) {
    const row = (await tx.listObjects(serviceId, v.number, resource.kind as ObjectKind)).find((o) => o.data.id === id);
    if (row !== undefined) return typedRecord(resource, row.data);
  }
  throw new ApiError('notFound', `Couldn't find ${resource.kind} '${id}' in service '${serviceId}'`);
}

/**
 * One page of a list, as Fastly's list endpoints page them (`page` from 1, `per_page` up to
 * 1000, default 100), with a `Link: <…>; rel="next"` header while more follow — what go-fastly's
 * paginators (and so the Terraform provider) follow.
 */
export function paginate<T>(all: readonly T[], query: Readonly<Record<string, string | undefined>>, path: string,
  reply: { header(name: string, value: string): unknown }): T[] {
  const page = positive(query.page, 'page', 1, Number.MAX_SAFE_INTEGER);
  const perPage = positive(query.per_page, 'per_page', 100, 1000);
  const start = (page - 1) * perPage;
  if (start + perPage < all.length) {
    const next = new URLSearchParams({ ...definedOnly(query), page: String(page + 1), per_page: String(perPage) });
    reply.header('link', `<${path}?${next.toString()}>; rel="next"`);
  }
  return all.slice(start, start + perPage);
}

function definedOnly(query: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function positive(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d{0,15}$/.test(raw) || Number(raw) > max) throw new ApiError('badRequest', `${field}: must be an integer from 1 to ${max}`);
  return Number(raw);
}

/** A request body as an object (form fields or JSON); anything else is refused. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError('badRequest', 'body: must be an object of fields');
  return body as Record<string, unknown>;
}

/** A string field: numbers are taken as their text (form bodies carry no types). */
export function text(input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new ApiError('badRequest', `${field}: must be a string`);
  return v;
}
