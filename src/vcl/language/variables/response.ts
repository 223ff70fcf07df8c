// Fastly's variables of the cache object (obj.*, the cache key req.hash, stale.exists), the
// client response (resp.*) and segmented caching, from the variable reference
// (https://www.fastly.com/documentation/reference/vcl/variables/cache-object/, …/client-response/,
// …/segmented-caching/). The checker makes sure obj and resp exist where they are used, so their
// closures may assume them. Entries with closures are the ones lacquer runs; define.ts explains
// an entry.
import { ALL, on, ro, rw, v } from './define.ts';
import type { VariableSpec } from './define.ts';
import { header } from './access.ts';
import { digest } from './request-values.ts';
import { objGrace, objStaleIfError } from './cache-values.ts';

export const RESPONSE: readonly VariableSpec[] = [
  // ── cache-object ──
  // `set req.hash += x` appends to the cache key; lacquer computes the key only in vcl_hash.
  v('req.hash', 'STRING', 'WO', on('hash', 'error'), { set: (c, _f, v) => { c.hashData.push((v as string | null) ?? ''); } }, { writeOn: on('hash') }),
  v('req.digest', 'STRING', 'RO', ALL, ro(digest)),
  v('req.digest.ratio', 'FLOAT', 'RO', on('hit', 'miss', 'pass', 'fetch', 'error', 'deliver', 'log')),
  // A STRING, non-NULL when the object has a stale copy that deliver_stale could serve.
  v('stale.exists', 'STRING', 'RO', ALL, ro((c) => (c.staleExists ? '1' : null))),
  v('obj.proto', 'STRING', 'RO', on('hit', 'error')),
  v('obj.status', 'INTEGER', 'RW', on('hit', 'error'), rw((c) => c.obj!.status, (c, _f, v) => { c.obj!.status = v as number; }), { writeOn: on('error') }),
  v('obj.response', 'STRING', 'RW', on('hit', 'error'), rw((c) => c.obj!.response, (c, _f, v) => { c.obj!.response = (v as string | null) ?? ''; }), { writeOn: on('error') }),
  v('obj.hits', 'INTEGER', 'RO', on('hit', 'deliver', 'log'), ro((c) => c.obj!.hits)),
  v('obj.http.{header}', 'HEADER', 'RWU', on('hit', 'error'), header('obj'), { writeOn: on('error') }),
  v('obj.headers', 'STRING', 'RO', on('hit', 'error')),
  v('obj.cacheable', 'BOOL', 'RO', on('hit'), ro(() => true)),
  v('obj.ttl', 'RTIME', 'RW', on('hit', 'error', 'log'), rw((c) => c.obj!.ttl, (c, _f, v) => { c.obj!.ttl = v as number; }), { writeOn: on('hit', 'error') }),
  v('obj.grace', 'RTIME', 'RW', on('hit', 'error', 'log'), objGrace),
  v('obj.stale_if_error', 'RTIME', 'RO', on('hit', 'error', 'log'), objStaleIfError),
  v('obj.stale_while_revalidate', 'RTIME', 'RO', on('hit', 'error', 'log'), ro(objGrace.get!)),
  v('obj.lastuse', 'RTIME', 'RO', on('hit', 'error', 'deliver', 'log')),
  v('obj.entered', 'RTIME', 'RO', on('hit', 'error', 'deliver', 'log')),
  v('obj.age', 'RTIME', 'RO', on('hit', 'error', 'deliver', 'log'), ro((c) => c.obj!.age)),
  v('obj.is_pci', 'BOOL', 'RO', on('hit', 'error', 'deliver', 'log')),
  // ── client-response ──
  v('resp.proto', 'STRING', 'RO', on('deliver', 'log')),
  v('resp.status', 'INTEGER', 'RW', on('deliver', 'log'), rw((c) => c.resp!.status, (c, _f, v) => { c.resp!.status = v as number; })),
  v('resp.response', 'STRING', 'RW', on('deliver', 'log'), rw((c) => c.resp!.response, (c, _f, v) => { c.resp!.response = (v as string | null) ?? ''; })),
  v('resp.http.{header}', 'HEADER', 'RWU', on('deliver', 'log'), header('resp')),
  v('resp.headers', 'STRING', 'RO', on('deliver', 'log')),
  v('resp.bytes_written', 'INTEGER', 'RO', on('log')),
  v('resp.header_bytes_written', 'INTEGER', 'RO', on('log')),
  v('resp.body_bytes_written', 'INTEGER', 'RO', on('log')),
  v('resp.completed', 'BOOL', 'RO', on('log')),
  v('resp.is_locally_generated', 'BOOL', 'RO', on('deliver', 'log')),
  v('time.to_first_byte', 'RTIME', 'RO', on('deliver', 'log')),
  // ── segmented-caching ──
  v('segmented_caching.is_inner_req', 'BOOL', 'RO', on('log')),
  v('segmented_caching.is_outer_req', 'BOOL', 'RO', on('log')),
  v('segmented_caching.block_number', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.total_blocks', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.block_size', 'INTEGER', 'RW', on('recv', 'log'), undefined, { writeOn: on('recv') }),
  v('segmented_caching.obj.complete_length', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.client_req.is_range', 'BOOL', 'RO', on('log')),
  v('segmented_caching.client_req.is_open_ended', 'BOOL', 'RO', on('log')),
  v('segmented_caching.client_req.range_low', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.client_req.range_high', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.rounded_req.range_low', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.rounded_req.range_high', 'INTEGER', 'RO', on('log')),
  v('segmented_caching.completed', 'BOOL', 'RO', on('log')),
  v('segmented_caching.failed', 'BOOL', 'RO', on('log')),
  v('segmented_caching.cancelled', 'BOOL', 'RO', on('log')),
  v('segmented_caching.error', 'STRING', 'RO', on('log')),
  v('segmented_caching.autopurged', 'BOOL', 'RO', on('log')),
];
