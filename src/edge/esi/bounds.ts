// The limits of ESI processing and where an include points, as Fastly's esi statement page
// states them: "The maximum depth of esi:include processing is 5" and "The maximum total
// esi:include processing fragments is 256" (per client request, all levels together).
// An include past either bound is left out of the page (and logged), as Varnish leaves out an
// include past max_esi_depth; the rest of the page is still sent.

export const MAX_ESI_DEPTH = 5;
export const MAX_ESI_INCLUDES = 256;

/** The include budget of one client request, shared by every level of its ESI processing. */
export class EsiBudget {
  #used = 0;

  /** Takes one include from the budget; false when it is spent. */
  take(): boolean {
    if (this.#used >= MAX_ESI_INCLUDES) return false;
    this.#used++;
    return true;
  }

  get used(): number {
    return this.#used;
  }
}

/**
 * The request an include makes: a path and query, and the Host. Fastly: an absolute `src`
 * (`http://` or `https://`) sets Host to its host name; a relative one keeps the page's Host and
 * is resolved against the page's URL. Either way the request goes to the same service. Null
 * for a src that is neither (another scheme, or not a URL).
 */
export function resolveInclude(src: string, pageUrl: string, pageHost: string): { readonly url: string; readonly host: string } | null {
  const absolute = /^https?:\/\//i.test(src);
  let u: URL;
  try {
    // The base's host is a placeholder: only the path and query are taken from a relative result.
    u = absolute ? new URL(src) : new URL(src, new URL(pageUrl.startsWith('/') ? pageUrl : `/${pageUrl}`, 'http://esi.invalid'));
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return { url: `${u.pathname}${u.search}`, host: absolute ? u.host : pageHost };
}
