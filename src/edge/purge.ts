// `PURGE <url>` at the edge, with the token in Fastly-Key as Fastly's
// https://www.fastly.com/documentation/guides/full-site-delivery/purging/authenticating-api-purge-requests/
// describes. The edge does not hold API tokens: it asks the POP's primary (the Purger) to
// authenticate the Fastly-Key and fan the purge out to every worker, and answers only once every
// worker applied it.

import { Buffer } from 'node:buffer';
import type { ClientRequest, ClientResponse } from './http1/index.ts';
import { isSoftPurge, newPurgeId, primaryKey, type EdgeCache, type PurgeCommand } from './cache/index.ts';
import type { RequestContext } from './context.ts';

export type PurgeResult =
  | { readonly status: 'ok'; readonly id: string }
  | { readonly status: 'unauthorized' }
  | { readonly status: 'forbidden' };

/** Authenticates the token for the service, applies the purge in every worker of the POP, then resolves. */
export type Purger = (request: { readonly serviceId: string; readonly token: string | null; readonly command: PurgeCommand }) => Promise<PurgeResult>;

export async function handlePurge(
  ctx: RequestContext, req: ClientRequest, res: ClientResponse,
  deps: { readonly cache: EdgeCache; readonly purger: Purger; readonly pop: string },
): Promise<void> {
  // The key is what the service's own vcl_hash makes of this URL, so a custom hash is honoured.
  ctx.service.run('hash', ctx);
  const key = primaryKey(ctx.service.serviceId, ctx.hashData);
  const token = header(req, 'fastly-key') ?? bearer(header(req, 'authorization'));
  const command: PurgeCommand = { kind: 'key', id: newPurgeId(deps.pop), key, soft: isSoftPurge(req.headers) };
  const result = await deps.purger({ serviceId: ctx.service.serviceId, token, command });
  const [status, reason, body] = result.status === 'ok'
    ? [200, 'OK', { status: 'ok', id: result.id }]
    : result.status === 'unauthorized'
      ? [401, 'Unauthorized', { msg: 'Provided credentials are missing or invalid' }]
      : [403, 'Forbidden', { msg: 'Forbidden', detail: 'this token may not purge this service' }];
  const text = JSON.stringify(body);
  res.writeHead(status, reason, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-served-by': deps.pop });
  res.end(text);
}

function header(req: ClientRequest, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function bearer(value: string | null): string | null {
  const m = value === null ? null : /^Bearer\s+(\S+)$/i.exec(value);
  return m === null ? null : m[1];
}
