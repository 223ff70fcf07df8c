// Dates and times as Fastly VCL prints and parses them. A TIME is epoch milliseconds at run time
// (runtime/value.ts); Fastly's clocks are UTC, so every conversion here is UTC.
//
// Sources: Fastly's date and time functions (https://www.fastly.com/documentation/reference/vcl/functions/date-and-time/)
// and variables (…/variables/date-and-time/, …/variables/client-request/time-start/), and C's
// strftime(3) for the conversion specifications `strftime` takes.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

/** Day of the year, 1-based (`%j`). */
function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** ISO 8601 week-based year and week number (`%G`, `%V`). */
function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const start = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - start) / 86_400_000 + 1) / 7) };
}

/** One conversion specification of strftime(3), in UTC; null for one C does not define. */
function conversion(c: string, d: Date, ms: number): string | null {
  const h = d.getUTCHours();
  switch (c) {
    case 'a': return DAYS[d.getUTCDay()].slice(0, 3);
    case 'A': return DAYS[d.getUTCDay()];
    case 'b': case 'h': return MONTHS[d.getUTCMonth()].slice(0, 3);
    case 'B': return MONTHS[d.getUTCMonth()];
    case 'c': return `${conversion('a', d, ms)} ${conversion('b', d, ms)} ${pad(d.getUTCDate(), 2, ' ')} ${conversion('T', d, ms)} ${d.getUTCFullYear()}`;
    case 'C': return pad(Math.floor(d.getUTCFullYear() / 100), 2);
    case 'd': return pad(d.getUTCDate(), 2);
    case 'D': return `${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/${pad(d.getUTCFullYear() % 100, 2)}`;
    case 'e': return pad(d.getUTCDate(), 2, ' ');
    case 'F': return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    case 'G': return String(isoWeek(d).year);
    case 'g': return pad(isoWeek(d).year % 100, 2);
    case 'H': return pad(h, 2);
    case 'I': return pad(h % 12 === 0 ? 12 : h % 12, 2);
    case 'j': return pad(dayOfYear(d), 3);
    case 'k': return pad(h, 2, ' ');
    case 'l': return pad(h % 12 === 0 ? 12 : h % 12, 2, ' ');
    case 'm': return pad(d.getUTCMonth() + 1, 2);
    case 'M': return pad(d.getUTCMinutes(), 2);
    case 'n': return '\n';
    case 'p': return h < 12 ? 'AM' : 'PM';
    case 'P': return h < 12 ? 'am' : 'pm';
    case 'r': return `${conversion('I', d, ms)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} ${conversion('p', d, ms)}`;
    case 'R': return `${pad(h, 2)}:${pad(d.getUTCMinutes(), 2)}`;
    case 's': return String(Math.floor(ms / 1000));
    case 'S': return pad(d.getUTCSeconds(), 2);
    case 't': return '\t';
    case 'T': return `${pad(h, 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    case 'u': return String(d.getUTCDay() || 7);
    case 'U': return pad(Math.floor((dayOfYear(d) - 1 - d.getUTCDay() + 7) / 7), 2);
    case 'V': return pad(isoWeek(d).week, 2);
    case 'w': return String(d.getUTCDay());
    case 'W': return pad(Math.floor((dayOfYear(d) - 1 - ((d.getUTCDay() + 6) % 7) + 7) / 7), 2);
    case 'x': return conversion('D', d, ms);
    case 'X': return conversion('T', d, ms);
    case 'y': return pad(d.getUTCFullYear() % 100, 2);
    case 'Y': return String(d.getUTCFullYear());
    case 'z': return '+0000';
    case 'Z': return 'GMT';
    case '%': return '%';
    default: return null;
  }
}

/**
 * `strftime(format, time)`: C's strftime(3) in UTC, as Fastly formats. An undefined
 * specification is copied as written (glibc does the same).
 */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%' || i + 1 >= format.length) { out += ch; continue; }
    // glibc's flag and width characters (`%-d`, `%_H`) are rare in VCL; `-` (no padding) is kept.
    let spec = format[++i];
    let unpadded = false;
    if (spec === '-' && i + 1 < format.length) { unpadded = true; spec = format[++i]; }
    const value = conversion(spec, d, ms);
    if (value === null) { out += `%${unpadded ? '-' : ''}${spec}`; continue; }
    out += unpadded ? value.replace(/^[0 ]+(?=\d)/, '') : value;
  }
  return out;
}

/** Seconds since the epoch as Fastly prints `now.sec` and `time.start.sec`: an integer. */
export function epochSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** Milliseconds since the epoch (`time.start.msec`). */
export function epochMillis(ms: number): string {
  return String(Math.floor(ms));
}

/** Microseconds since the epoch (`time.start.usec`); lacquer's clock counts milliseconds. */
export function epochMicros(ms: number): string {
  return String(Math.floor(ms) * 1000);
}

/** The millisecond part of a second, three digits (`time.start.msec_frac`). */
export function msecFrac(ms: number): string {
  return pad(Math.floor(ms) % 1000, 3);
}

/** The microsecond part of a second, six digits (`time.start.usec_frac`). */
export function usecFrac(ms: number): string {
  return pad((Math.floor(ms) % 1000) * 1000, 6);
}

const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.slice(0, 3).toLowerCase(), i]));

/**
 * `std.time(s, fallback)`: the date formats Fastly documents — RFC 1123
 * (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`), asctime
 * (`Sun Nov  6 08:49:37 1994`), ISO 8601 (`1994-11-06T08:49:37Z`, also with a space and without
 * the Z) and seconds since the epoch (`784111777`, optionally with a fraction). Epoch ms, or null.
 */
export function parseTime(s: string): number | null {
  const t = s.trim();
  let m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (m !== null) return Number(m[1]) * 1000 + (m[2] === undefined ? 0 : Math.floor(Number(`0.${m[2]}`) * 1000));
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m !== null) {
    const base = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    const zone = m[7];
    if (zone === undefined || zone === 'Z') return base;
    const off = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    return base - (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000;
  }
  // RFC 1123 and RFC 850: weekday, day, month, year, time, GMT.
  m = /^[A-Za-z]+, (\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2,4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(t);
  if (m !== null) {
    const month = MONTH_INDEX.get(m[2].toLowerCase());
    if (month === undefined) return null;
    let year = Number(m[3]);
    if (m[3].length === 2) year += year < 70 ? 2000 : 1900;
    return Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(t);
  if (m !== null) {
    const month = MONTH_INDEX.get(m[1].toLowerCase());
    if (month === undefined) return null;
    return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  }
  return null;
}

/**
 * `parse_time_delta("1d2h")`: seconds in a span written as numbers with the units d, h, m and s
 * (Fastly's examples); -1 when the text is not one.
 */
export function parseTimeDelta(s: string): number {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+)([dhms])/gi)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) return -1;
  const unit: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2].toLowerCase()], 0);
}
