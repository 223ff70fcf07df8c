// Dictionary items (versionless: DESIGN.md §1, §4.6), at Fastly's paths:
// https://www.fastly.com/documentation/reference/api/dictionaries/dictionary-item/
//   GET    /service/{sid}/dictionary/{id}/items          list (paginated)
//   PATCH  /service/{sid}/dictionary/{id}/items          batch: {"items":[{"op","item_key","item_value"}]}, all or nothing
//   POST   /service/{sid}/dictionary/{id}/item           create
//   GET|PUT|PATCH|DELETE /service/{sid}/dictionary/{id}/item/{key}   read, upsert, update, delete
// Every change publishes a `dictionary` event in its transaction: each edge node reads the
// dictionary's items again and replaces its table in place, without an activation
// (src/process/publisher.ts). Fastly's limits: a key of at most 256 characters, a value of at
// most 8,000, at most 1,000 items per dictionary and per batch (its default limits,
// https://docs.fastly.com/products/network-services-resource-limits). A write-only dictionary's
// items are never read back: its list is empty and reading one item is refused.
import { dictionary, type DictionaryRecord } from '../../model/api/index.ts';
import type { DictionaryItemRow, StoreTx } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { now } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { bodyObject, paginate, requireLiveObject, text } from './live-common.ts';

export const MAX_KEY = 256;
export const MAX_VALUE = 8_000;
export const MAX_ITEMS = 1_000;
const OPS = ['create', 'update', 'upsert', 'delete'] as const;
type Op = (typeof OPS)[number];

function itemBody(i: DictionaryItemRow): Record<string, unknown> {
  return {
    dictionary_id: i.dictionaryId, service_id: i.serviceId, item_key: i.key, item_value: i.value,
    created_at: i.createdAt, updated_at: i.updatedAt, deleted_at: null,
  };
}

function checkKey(key: string | undefined, field: string): string {
  if (key === undefined || key === '') throw new ApiError('badRequest', `${field}: is required`);
  if (key.length > MAX_KEY) throw new ApiError('badRequest', `${field}: must be at most ${MAX_KEY} characters`);
  return key;
}

function checkValue(value: string | undefined, field: string): string {
  if (value === undefined) throw new ApiError('badRequest', `${field}: is required`);
  if (value.length > MAX_VALUE) throw new ApiError('badRequest', `${field}: must be at most ${MAX_VALUE} characters`);
  return value;
}

/** The dictionary with this id; its items belong to the id (./live-common.ts). */
function requireDictionary(tx: StoreTx, sid: string, id: string): Promise<DictionaryRecord> {
  return requireLiveObject(tx, sid, dictionary, id);
}

interface Change { readonly op: Op; readonly key: string; readonly value: string | null; readonly where: string }

/** Applies changes to the dictionary's items in order; throws (and so writes nothing) at the first that cannot apply. */
async function applyChanges(tx: StoreTx, sid: string, id: string, changes: readonly Change[]): Promise<DictionaryItemRow[]> {
  const items = new Map((await tx.listDictionaryItems(sid, id)).map((i) => [i.key, i]));
  const at = now();
  const written: DictionaryItemRow[] = [];
  for (const c of changes) {
    const existing = items.get(c.key);
    if (c.op === 'create' && existing !== undefined) throw new ApiError('duplicate', `${c.where}: item '${c.key}' already exists`);
    if ((c.op === 'update' || c.op === 'delete') && existing === undefined) throw new ApiError('notFound', `${c.where}: no item '${c.key}' in dictionary '${id}'`);
    if (c.op === 'delete') {
      items.delete(c.key);
      await tx.deleteDictionaryItem(sid, id, c.key);
      continue;
    }
    const row: DictionaryItemRow = { serviceId: sid, dictionaryId: id, key: c.key, value: c.value ?? '', createdAt: existing?.createdAt ?? at, updatedAt: at };
    items.set(c.key, row);
    await tx.putDictionaryItem(row);
    written.push(row);
  }
  if (items.size > MAX_ITEMS) throw new ApiError('badRequest', `items: a dictionary holds at most ${MAX_ITEMS} items; this would make ${items.size}`);
  tx.publish({ type: 'dictionary', serviceId: sid, dictionaryId: id });
  return written;
}

function parseBatch(body: unknown): Change[] {
  const list = bodyObject(body).items;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError('badRequest', 'items: must be a non-empty list of {op, item_key, item_value}');
  if (list.length > MAX_ITEMS) throw new ApiError('badRequest', `items: at most ${MAX_ITEMS} operations in one batch`);
  return list.map((raw: unknown, i): Change => {
    const where = `items[${i}]`;
    const entry = bodyObject(raw);
    const op = text(entry, 'op');
    if (!OPS.includes(op as Op)) throw new ApiError('badRequest', `${where}.op: must be one of ${OPS.join(', ')}`);
    const key = checkKey(text(entry, 'item_key'), `${where}.item_key`);
    const value = op === 'delete' ? null : checkValue(text(entry, 'item_value'), `${where}.item_value`);
    return { op: op as Op, key, value, where };
  });
}

export function registerDictionaryItemRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;
  const base = '/service/:service_id/dictionary/:dictionary_id';
  const tag = 'dictionary_item';

  routes.add({ method: 'GET', url: `${base}/items`, summary: 'List a dictionary\'s items (none for a write-only dictionary)', tag, access: 'read' }, async ({ params, query, reply }) =>
    store.transaction(async (tx) => {
      const d = await requireDictionary(tx, params.service_id, params.dictionary_id);
      const all = d.write_only ? [] : await tx.listDictionaryItems(params.service_id, params.dictionary_id);
      return paginate(all, query, `/service/${params.service_id}/dictionary/${params.dictionary_id}/items`, reply).map(itemBody);
    }));

  routes.add({ method: 'PATCH', url: `${base}/items`, summary: 'Change many items at once, all or nothing', tag, access: 'write' }, async ({ params, body }) => {
    const changes = parseBatch(body);
    return store.transaction(async (tx) => {
      await requireDictionary(tx, params.service_id, params.dictionary_id);
      await applyChanges(tx, params.service_id, params.dictionary_id, changes);
      return { status: 'ok' };
    });
  });

  routes.add({ method: 'POST', url: `${base}/item`, summary: 'Create an item', tag, access: 'write' }, async ({ params, body }) => {
    const input = bodyObject(body);
    const change: Change = { op: 'create', key: checkKey(text(input, 'item_key'), 'item_key'), value: checkValue(text(input, 'item_value'), 'item_value'), where: 'item_key' };
    return store.transaction(async (tx) => {
      await requireDictionary(tx, params.service_id, params.dictionary_id);
      return itemBody((await applyChanges(tx, params.service_id, params.dictionary_id, [change]))[0]);
    });
  });

  routes.add({ method: 'GET', url: `${base}/item/:key`, summary: 'Read an item (refused for a write-only dictionary)', tag, access: 'read' }, async ({ params }) =>
    store.transaction(async (tx) => {
      const d = await requireDictionary(tx, params.service_id, params.dictionary_id);
      if (d.write_only) throw new ApiError('forbidden', `dictionary '${d.name}' is write_only: its items are never read back`);
      const item = await tx.getDictionaryItem(params.service_id, params.dictionary_id, params.key);
      if (item === null) throw new ApiError('notFound', `no item '${params.key}' in dictionary '${params.dictionary_id}'`);
      return itemBody(item);
    }));

  const write = (method: 'PUT' | 'PATCH', op: 'upsert' | 'update', summary: string): void => {
    routes.add({ method, url: `${base}/item/:key`, summary, tag, access: 'write' }, async ({ params, body }) => {
      const change: Change = { op, key: checkKey(params.key, 'item_key'), value: checkValue(text(bodyObject(body), 'item_value'), 'item_value'), where: 'item_key' };
      return store.transaction(async (tx) => {
        await requireDictionary(tx, params.service_id, params.dictionary_id);
        return itemBody((await applyChanges(tx, params.service_id, params.dictionary_id, [change]))[0]);
      });
    });
  };
  write('PUT', 'upsert', 'Create or replace an item');
  write('PATCH', 'update', 'Change an existing item');

  routes.add({ method: 'DELETE', url: `${base}/item/:key`, summary: 'Delete an item', tag, access: 'write' }, async ({ params }) =>
    store.transaction(async (tx) => {
      await requireDictionary(tx, params.service_id, params.dictionary_id);
      await applyChanges(tx, params.service_id, params.dictionary_id, [{ op: 'delete', key: params.key, value: null, where: 'item_key' }]);
      return { status: 'ok' };
    }));
}
