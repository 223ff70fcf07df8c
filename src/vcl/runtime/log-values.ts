// The values Fastly's log formats read (src/model/logging/format.ts), run here so the default
// format `%h %l %u %t "%r" %>s %b` and the common directives work:
//   resp.body_bytes_written — body bytes sent to the client, known in vcl_log (0 before)
//   strftime(format, time) — ./time.ts's, remembered per second for formats that repeat
// https://www.fastly.com/documentation/reference/vcl/variables/date-and-time/ and
// https://www.fastly.com/documentation/reference/vcl/functions/date-and-time/strftime/
import type { VclContext } from '../compile/compiled.ts';
import { strftime as strftimeUtc } from './time.ts';

/**
 * The last result per format, for the second it is of: a log format formats the request's start
 * time on every request, and requests of one second share it (./time.ts has no sub-second
 * conversion). At most 64 formats are remembered.
 */
const lastSecond = new Map<string, { second: number; text: string }>();

export function strftime(format: string, ms: number): string {
  const second = Math.floor(ms / 1000);
  const last = lastSecond.get(format);
  if (last !== undefined && last.second === second) return last.text;
  const text = strftimeUtc(format, second * 1000);
  if (last === undefined && lastSecond.size >= 64) lastSecond.clear();
  lastSecond.set(format, { second, text });
  return text;
}

export const bodyBytesWritten = (c: VclContext): number => c.bodyBytesWritten ?? 0;
