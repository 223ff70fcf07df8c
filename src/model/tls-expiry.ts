// When a certificate counts as expiring soon: within 30 days of its notAfter, the window in
// which Let's Encrypt's clients renew and Fastly's dashboard flags a certificate. The dashboard's
// TLS page and `lacquer tls certificate list` both warn by it.
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** Whole days from `now` until `notAfter` (ISO 8601), rounded down; negative once expired. */
export function daysUntil(notAfter: string, now: Date = new Date()): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

/** A sentence for people when the certificate has expired or expires within the warning window, else null. */
export function expiryWarning(notAfter: string, now: Date = new Date()): string | null {
  const ms = Date.parse(notAfter) - now.getTime();
  if (ms < 0) return `expired on ${notAfter}`;
  if (ms > EXPIRY_WARNING_DAYS * DAY_MS) return null;
  const days = daysUntil(notAfter, now);
  return `expires in ${days === 0 ? 'less than a day' : days === 1 ? '1 day' : `${days} days`}, on ${notAfter}`;
}
