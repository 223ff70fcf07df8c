// Fastly's variables of the client request (req.*), device detection (client.bot, browser,
// class, display, platform, os), the request's timing (time.*) and ESI, from the variable
// reference (https://www.fastly.com/documentation/reference/vcl/variables/client-request/ and
// …/esi/). Entries with closures are the ones lacquer runs; define.ts explains an entry.
import { ALL, on, ro, rw, v } from './define.ts';
import type { VariableSpec } from './define.ts';
import { header, urlPath, urlQuery } from './access.ts';
import { elapsedForm, endForm, startForm, urlBasename, urlDirname, urlExt, xid } from './request-values.ts';
import { cacheRequestField } from './cache-values.ts';

/** A BOOL that is always false, a STRING that is never set: what Fastly gives a client it did not identify. */
const NO = ro(() => false);
const NOT_SET = ro(() => null);

export const REQUEST: readonly VariableSpec[] = [
  // ── client-request ──
  v('req.method', 'STRING', 'RW', ALL, rw((c) => c.req.method, (c, _f, v) => { c.req.method = (v as string | null) ?? ''; })),
  v('req.request', 'STRING', 'RW', ALL, rw((c) => c.req.method, (c, _f, v) => { c.req.method = (v as string | null) ?? ''; }), { aliasOf: 'req.method' }),
  v('req.url', 'STRING', 'RW', ALL, rw((c) => c.req.url, (c, _f, v) => { c.req.url = (v as string | null) ?? ''; })),
  v('req.url.path', 'STRING', 'RO', ALL, ro((c) => urlPath(c.req.url))),
  v('req.url.ext', 'STRING', 'RO', ALL, ro((c) => urlExt(c.req.url))),
  v('req.url.basename', 'STRING', 'RO', ALL, ro((c) => urlBasename(c.req.url))),
  v('req.url.dirname', 'STRING', 'RO', ALL, ro((c) => urlDirname(c.req.url))),
  v('req.url.qs', 'STRING', 'RO', ALL, ro((c) => urlQuery(c.req.url))),
  v('req.proto', 'STRING', 'RO', ALL, ro((c) => c.req.proto)),
  v('req.http.{header}', 'HEADER', 'RWU', ALL, header('req')),
  v('req.is_background_fetch', 'BOOL', 'RO', ALL),
  v('req.is_purge', 'BOOL', 'RO', on('recv', 'hash', 'deliver', 'log')),
  v('req.xid', 'STRING', 'RO', ALL, ro(xid)),
  v('req.hash_ignore_busy', 'BOOL', 'RW', on('recv'), cacheRequestField('hashIgnoreBusy')),
  v('req.hash_always_miss', 'BOOL', 'RW', on('recv'), cacheRequestField('hashAlwaysMiss')),
  v('req.enable_range_on_pass', 'BOOL', 'RW', on('recv')),
  v('req.enable_segmented_caching', 'BOOL', 'RW', on('recv')),
  v('req.body', 'STRING', 'RO', ALL),
  v('req.postbody', 'STRING', 'RO', ALL),
  v('req.body.base64', 'STRING', 'RO', ALL),
  v('req.bytes_read', 'INTEGER', 'RO', on('deliver', 'log')),
  v('req.header_bytes_read', 'INTEGER', 'RO', ALL),
  v('req.body_bytes_read', 'INTEGER', 'RO', on('deliver', 'log')),
  v('req.headers', 'STRING', 'RO', ALL),
  // Device detection needs Fastly's device database: lacquer identifies no client, so these have
  // the values Fastly gives an unidentified one — false, and "not set" (docs/vcl.md, fixed values).
  v('client.identified', 'BOOL', 'RO', ALL, NO),
  v('client.class.bot', 'BOOL', 'RO', ALL, NO),
  v('client.class.browser', 'BOOL', 'RO', ALL, NO),
  v('client.platform.gameconsole', 'BOOL', 'RO', ALL, NO),
  v('client.platform.hwtype', 'STRING', 'RO', ALL, NOT_SET),
  v('client.platform.model', 'STRING', 'RO', ALL, NOT_SET),
  v('client.platform.mediaplayer', 'BOOL', 'RO', ALL, NO),
  v('client.platform.mobile', 'BOOL', 'RO', ALL, NO),
  v('client.platform.smarttv', 'BOOL', 'RO', ALL, NO),
  v('client.platform.tablet', 'BOOL', 'RO', ALL, NO),
  v('client.platform.vendor', 'STRING', 'RO', ALL, NOT_SET),
  v('client.display.touchscreen', 'BOOL', 'RO', ALL, NO),
  v('client.os.name', 'STRING', 'RO', ALL, NOT_SET),
  v('client.os.version', 'STRING', 'RO', ALL, NOT_SET),
  v('client.browser.name', 'STRING', 'RO', ALL, NOT_SET),
  v('client.browser.version', 'STRING', 'RO', ALL, NOT_SET),
  v('client.bot.name', 'STRING', 'RO', ALL, NOT_SET),
  v('time.start', 'TIME', 'RO', ALL, ro((c) => c.startTime)),
  v('time.start.sec', 'STRING', 'RO', ALL, ro(startForm('sec'))),
  v('time.start.msec', 'STRING', 'RO', ALL, ro(startForm('msec'))),
  v('time.start.msec_frac', 'STRING', 'RO', ALL, ro(startForm('msec_frac'))),
  v('time.start.usec', 'STRING', 'RO', ALL, ro(startForm('usec'))),
  v('time.start.usec_frac', 'STRING', 'RO', ALL, ro(startForm('usec_frac'))),
  v('time.end', 'TIME', 'RO', on('deliver', 'log'), ro(() => Date.now())),
  v('time.end.sec', 'STRING', 'RO', on('deliver', 'log'), ro(endForm('sec'))),
  v('time.end.msec', 'STRING', 'RO', on('deliver', 'log'), ro(endForm('msec'))),
  v('time.end.msec_frac', 'STRING', 'RO', on('deliver', 'log'), ro(endForm('msec_frac'))),
  v('time.end.usec', 'STRING', 'RO', on('deliver', 'log'), ro(endForm('usec'))),
  v('time.end.usec_frac', 'STRING', 'RO', on('deliver', 'log'), ro(endForm('usec_frac'))),
  v('time.elapsed', 'RTIME', 'RO', ALL, ro((c) => (Date.now() - c.startTime) / 1000)),
  v('time.elapsed.sec', 'STRING', 'RO', ALL, ro(elapsedForm('sec'))),
  v('time.elapsed.msec', 'STRING', 'RO', ALL, ro(elapsedForm('msec'))),
  v('time.elapsed.msec_frac', 'STRING', 'RO', ALL, ro(elapsedForm('msec_frac'))),
  v('time.elapsed.usec', 'STRING', 'RO', ALL, ro(elapsedForm('usec'))),
  v('time.elapsed.usec_frac', 'STRING', 'RO', ALL, ro(elapsedForm('usec_frac'))),
  v('fastly_info.h2.is_push', 'BOOL', 'RO', on('recv', 'hash', 'deliver', 'log')),
  v('fastly_info.host_header', 'STRING', 'RO', ALL),
  // ── esi ──
  v('req.is_esi_subreq', 'BOOL', 'RO', ALL, ro((c) => (c.esiLevel ?? 0) > 0)),
  v('req.esi', 'BOOL', 'RW', on('recv', 'fetch', 'error', 'deliver'), rw((c) => c.esiEnabled ?? true, (c, _f, v) => { c.esiEnabled = v as boolean; })),
  v('req.esi_level', 'INTEGER', 'RO', on('recv', 'deliver'), ro((c) => c.esiLevel ?? 0)),
  v('req.topurl', 'STRING', 'RO', ALL, ro((c) => c.topUrl ?? null)),
  // What the `esi;` statement sets (src/vcl/compile/statements.ts).
  v('beresp.do_esi', 'BOOL', 'RW', on('fetch'), rw((c) => c.beresp!.doEsi ?? false, (c, _f, v) => { c.beresp!.doEsi = v as boolean; })),
  v('esi.allow_inside_cdata', 'BOOL', 'RW', on('recv', 'fetch', 'error', 'deliver')),
];
