// Surrogate-Control (W3C Edge Architecture 1.0 §3; Fastly "Surrogate-Control" reference): a
// Cache-Control for CDNs only. Fastly reads `max-age`, `stale-while-revalidate`,
// `stale-if-error` and `no-store` from it, prefers it over Cache-Control, and never passes it
// on to clients.
//
// Edge Architecture lets a directive be aimed at one surrogate (`max-age=60;edge1`) and lets
// max-age carry a freshness extension (`max-age=60+30`). lacquer is the only surrogate in front
// of the origin, so the target is ignored, and the extension is ignored as Fastly does.

import { directives, field, type HeaderFields } from './fields.ts';

export interface SurrogateControl {
  readonly maxAge: number | null;
  readonly staleWhileRevalidate: number | null;
  readonly staleIfError: number | null;
  readonly noStore: boolean;
}

export const SURROGATE_CONTROL = 'surrogate-control';
export const SURROGATE_KEY = 'surrogate-key';

/** The directives of a response's Surrogate-Control field, or null when it has none. */
export function parseSurrogateControl(headers: HeaderFields): SurrogateControl | null {
  const raw = field(headers, SURROGATE_CONTROL);
  if (raw === null) return null;
  const untargeted = raw.split(',').map((part) => part.split(';')[0]).join(',');
  const d = directives(untargeted);
  return {
    maxAge: leadingSeconds(d.get('max-age')),
    staleWhileRevalidate: leadingSeconds(d.get('stale-while-revalidate')),
    staleIfError: leadingSeconds(d.get('stale-if-error')),
    noStore: d.has('no-store'),
  };
}

/** The keys of a `Surrogate-Key` field: space-separated, duplicates dropped, order kept. */
export function parseSurrogateKeys(headers: HeaderFields): string[] {
  const v = headers[SURROGATE_KEY];
  if (v === undefined) return [];
  // Several field lines are joined with a space, not ", ": a key may contain a comma.
  const raw = typeof v === 'string' ? v : v.join(' ');
  return [...new Set(raw.split(/\s+/).filter((k) => k !== ''))];
}

function leadingSeconds(v: string | true | undefined): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d+)(?:\+\d+)?$/.exec(v);
  return m === null ? null : Number(m[1]);
}
