// How a page's includes become requests: each is a new request to the same service, made from
// the page's request (Fastly: "ESI requests are made to your Fastly service as new client
// requests, with a copy of the HTTP header information from the original client request"), run
// through the whole pipeline with req.esi_level one deeper, and answered into a
// FragmentResponse the page reads.
//
// What the copy leaves out, and why:
// - Range and the conditional fields (If-None-Match, If-Modified-Since, If-Range): they were
//   the client's about the page; on a fragment they would turn it into a 206 or a 304 with no
//   content to splice (Varnish's ESI subrequests drop them too, cache_esi_deliver.c).
// - Accept-Encoding: a fragment is spliced into the page's text as it is, so it must come
//   uncompressed; without Accept-Encoding an origin that negotiates sends identity, and a
//   fragment the edge compressed is decompressed for it. A fragment that still arrives
//   compressed (an origin that compresses regardless) is not spliced (assemble.ts).
//
// Ownership: one per pipeline; a page's budget (bounds.ts) lives on the client request's
// context and every include of every level takes from it.
import type { Logger } from 'pino';
import type { RequestContext } from '../context.ts';
import { isEncoded, ORIGINAL_FIELD } from '../compress/index.ts';
import type { HeaderMap } from '../header-map.ts';
import type { ClientRequest, ClientResponse } from '../http1/index.ts';
import type { Fragment, Includer } from './assemble.ts';
import { EsiBudget, MAX_ESI_DEPTH, resolveInclude } from './bounds.ts';
import { FragmentResponse } from './fragment-response.ts';

const NOT_COPIED = ['range', 'if-range', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'accept-encoding', ORIGINAL_FIELD, 'content-length', 'transfer-encoding'];

export interface IncluderDeps {
  readonly logger: Logger;
  /** A request context for an include of `parent`. */
  readonly context: (parent: RequestContext, url: string, headers: HeaderMap) => RequestContext;
  /** Runs a request and writes its response (the pipeline's own path). */
  readonly serve: (ctx: RequestContext, req: ClientRequest, res: ClientResponse) => Promise<void> | undefined;
}

export class EsiIncluder {
  readonly #deps: IncluderDeps;

  constructor(deps: IncluderDeps) {
    this.#deps = deps;
  }

  /** The includer of one page (the request delivering it). */
  for(page: RequestContext): Includer {
    return { include: (src) => this.#include(page, src) };
  }

  async #include(page: RequestContext, src: string): Promise<Fragment | null> {
    const level = page.esiLevel + 1;
    const log = { service: page.service.serviceId, url: page.req.url, src, level };
    if (level > MAX_ESI_DEPTH) {
      this.#deps.logger.warn(log, `ESI include left out: deeper than ${MAX_ESI_DEPTH} levels`);
      return null;
    }
    const budget = page.esiBudget ??= new EsiBudget();
    if (!budget.take()) {
      this.#deps.logger.warn(log, `ESI include left out: the request already made ${budget.used} includes`);
      return null;
    }
    const target = resolveInclude(src, page.req.url, page.req.http.get('host') ?? '');
    if (target === null) {
      this.#deps.logger.warn(log, 'ESI include left out: src is not an http(s) URL or a path');
      return null;
    }
    const headers = page.req.http.clone();
    for (const name of NOT_COPIED) headers.unset(name);
    headers.set('host', target.host);
    const ctx = this.#deps.context(page, target.url, headers);
    ctx.esiLevel = level;
    ctx.topUrl = page.topUrl ?? page.req.url;
    ctx.esiBudget = budget;
    const res = new FragmentResponse();
    const req: ClientRequest = { method: 'GET', url: target.url, httpVersion: '1.1', headers: {}, socket: { remoteAddress: page.clientIp } };
    try {
      void this.#deps.serve(ctx, req, res)?.catch((err: unknown) => {
        this.#deps.logger.error({ ...log, err }, 'ESI include failed');
        res.destroy();
      });
    } catch (err) {
      this.#deps.logger.error({ ...log, err }, 'ESI include failed');
      res.destroy();
    }
    let head;
    try {
      head = await res.head;
    } catch {
      return null;
    }
    const encoding = head.headers['content-encoding'];
    if (isEncoded(typeof encoding === 'string' ? encoding : null)) {
      res.body.destroy();
      this.#deps.logger.warn(log, 'ESI include not spliced: its body is compressed by the origin');
      return { ok: false, body: null };
    }
    return { ok: head.status >= 200 && head.status < 300, body: res.body };
  }
}
