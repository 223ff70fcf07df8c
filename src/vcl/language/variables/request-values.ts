// Closures for request variables lacquer runs from the request alone: the parts of a URL's path,
// the request's clock (time.start, time.elapsed, time.end, now.sec), its id and its digest.
//
// Sources: Fastly's variable reference — client-request/ (req.url.basename, req.url.dirname,
// req.url.ext, req.xid, time.start.*, time.elapsed.*, time.end.*), date-and-time/ (now.sec) and
// cache-object/req-digest ("the digest in hexadecimal (64 characters)").
import { createHash, randomUUID } from 'node:crypto';
import type { VclContext } from '../../compile/compiled.ts';
import { epochMicros, epochMillis, epochSeconds, msecFrac, usecFrac } from '../../runtime/time.ts';
import type { Eval } from '../../runtime/value.ts';
import { urlPath } from './access.ts';

/** The last segment of a URL's path: `/a/b/file.html?x` → `file.html` (`req.url.basename`). */
export function urlBasename(url: string): string {
  const path = urlPath(url);
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The path without its last segment: `/a/b/file.html` → `/a/b`, `/file` → `/` (`req.url.dirname`). */
export function urlDirname(url: string): string {
  const path = urlPath(url);
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The basename's extension without its dot: `file.tar.gz` → `gz`, none → "" (`req.url.ext`). */
export function urlExt(url: string): string {
  const base = urlBasename(url);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1);
}

/** The forms Fastly gives a point in time as text: `.sec`, `.msec`, `.msec_frac`, `.usec`, `.usec_frac`. */
export type TimeForm = 'sec' | 'msec' | 'msec_frac' | 'usec' | 'usec_frac';

const FORMS: Readonly<Record<TimeForm, (ms: number) => string>> = {
  sec: epochSeconds, msec: epochMillis, msec_frac: msecFrac, usec: epochMicros, usec_frac: usecFrac,
};

/** `time.start.<form>`: when the request arrived. */
export const startForm = (form: TimeForm): Eval<string> => { const f = FORMS[form]; return (c) => f(c.startTime); };

/** `time.end.<form>` (deliver and log): now, as the response is being sent. */
export const endForm = (form: TimeForm): Eval<string> => { const f = FORMS[form]; return () => f(Date.now()); };

/**
 * `time.elapsed.<form>`: the time since the request arrived, as a count (`sec`, `msec`, `usec`)
 * or the fraction of the current second (`msec_frac`, `usec_frac`). lacquer's clock counts
 * milliseconds, so the microsecond forms end in 000.
 */
export const elapsedForm = (form: TimeForm): Eval<string> => { const f = FORMS[form]; return (c) => f(Math.max(0, Date.now() - c.startTime)); };

/** `now.sec`: seconds since the epoch. */
export const nowSec: Eval<string> = () => epochSeconds(Date.now());

// One id per request (and per background refresh), kept for the request's life across restarts.
const xids = new WeakMap<VclContext['req'], string>();

/** `req.xid`: an id unique to this request (Fastly: "Unique ID of this request"), 32 hex digits. */
export const xid: Eval<string> = (c) => {
  let id = xids.get(c.req);
  if (id === undefined) xids.set(c.req, id = randomUUID().replace(/-/g, ''));
  return id;
};

/** `req.digest`: SHA-256 of what vcl_hash fed req.hash, in hex; each addition is one field of it. */
export const digest: Eval<string> = (c) => {
  const h = createHash('sha256');
  for (const part of c.hashData) h.update(part).update('\n');
  return h.digest('hex');
};
