// The values Fastly's log formats read (src/model/logging/format.ts), run here so the default
// format `%h %l %u %t "%r" %>s %b` and the common directives work:
//   time.start — when the request arrived (TIME: ms since the epoch, ./value.ts)
//   time.elapsed.sec / .usec — whole seconds / microseconds since then, as strings (Fastly's types)
//   resp.body_bytes_written — body bytes sent to the client, known in vcl_log (0 before)
//   strftime(format, time) — C strftime in UTC, as Fastly's (the `strftime` package)
//   json.escape(s) — the inside of a JSON string (RFC 8259 §7): quote, backslash and control
//     characters escaped, other characters as they are; JSON log formats wrap values in it
// https://www.fastly.com/documentation/reference/vcl/variables/date-and-time/ and
// https://www.fastly.com/documentation/reference/vcl/functions/date-and-time/strftime/
import strftimeLib from 'strftime';
import type { VclContext } from '../compile/compiled.ts';

const utc = strftimeLib.utc();

/**
 * The last result per format, for the second it is of: a log format formats the request's start
 * time on every request, and requests of one second share it. Formats with a sub-second
 * directive (%L milliseconds) are formatted every time. At most 64 formats are remembered.
 */
const lastSecond = new Map<string, { second: number; text: string }>();

export function strftime(format: string, ms: number): string {
  if (format.includes('%L')) return utc(format, new Date(ms));
  const second = Math.floor(ms / 1000);
  const last = lastSecond.get(format);
  if (last !== undefined && last.second === second) return last.text;
  const text = utc(format, new Date(second * 1000));
  if (last === undefined && lastSecond.size >= 64) lastSecond.clear();
  lastSecond.set(format, { second, text });
  return text;
}

export const timeStart = (c: VclContext): number => c.startTime;
export const elapsedSec = (c: VclContext): string => String(Math.floor((Date.now() - c.startTime) / 1000));
export const elapsedUsec = (c: VclContext): string => String(Math.max(0, Math.round((Date.now() - c.startTime) * 1000)));
export const bodyBytesWritten = (c: VclContext): number => c.bodyBytesWritten ?? 0;

export function jsonEscape(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
