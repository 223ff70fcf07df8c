// How lacquer runs Fastly's date and time functions (functions/misc.ts declares them). A TIME is
// epoch milliseconds and an RTIME seconds at run time (runtime/value.ts); the compiler has
// already converted each argument to its parameter's type.
//
// Source: https://www.fastly.com/documentation/reference/vcl/functions/date-and-time/
import type { Eval } from '../../runtime/value.ts';
import { parseTime, parseTimeDelta, strftime } from '../../runtime/time.ts';
import type { Builder } from './define.ts';
import { str } from './build.ts';
import type { N, S } from './build.ts';

/** `strftime(format, time)`: the time formatted in UTC. */
export const STRFTIME: Builder = ([f, t]) => {
  const format = f as S; const time = t as N;
  return (c, fr) => strftime(str(format(c, fr)), time(c, fr));
};

/** `std.integer2time(seconds)`: the TIME that many seconds after the epoch. */
export const INTEGER2TIME: Builder = ([x]) => { const n = x as N; return (c, fr) => n(c, fr) * 1000; };

/** `std.time(s, fallback)`: a date in one of Fastly's formats (runtime/time.ts parseTime), else the fallback. */
export const STD_TIME: Builder = ([x, y]) => {
  const s = x as S; const fallback = y as N;
  return (c, fr) => parseTime(str(s(c, fr))) ?? fallback(c, fr);
};

/** `time.add(t, offset)` and `time.sub(t, offset)`: a TIME moved by an RTIME (seconds). */
export const timeShift = (sign: 1 | -1): Builder => ([x, y]) => {
  const t = x as N; const by = y as N;
  return (c, fr) => t(c, fr) + sign * by(c, fr) * 1000;
};

/** `time.is_after(t1, t2)`: whether t1 is later than t2. */
export const IS_AFTER: Builder = ([x, y]) => {
  const a = x as N; const b = y as N;
  return (c, fr) => a(c, fr) > b(c, fr);
};

/**
 * `time.hex_to_time(divisor, hex)`: a hexadecimal count (a timestamp in some unit, as in an
 * object's ETag) divided by divisor, as seconds since the epoch. Fastly sets fastly.error to
 * EINVAL for text that is not hexadecimal and for a divisor of zero; the result is then the epoch.
 */
export const HEX_TO_TIME: Builder = ([x, y]) => {
  const divisor = x as N; const hex = y as S;
  return (c, fr) => {
    const d = divisor(c, fr);
    const text = str(hex(c, fr)).replace(/^0x/i, '');
    if (d === 0 || !/^[0-9a-f]+$/i.test(text)) { c.fastlyError = 'EINVAL'; return 0; }
    return (Number.parseInt(text, 16) / d) * 1000;
  };
};

/** `time.interval_elapsed_ratio(ref, start, end)`: how far ref is between start and end (0 at start, 1 at end). */
export const ELAPSED_RATIO: Builder = ([r, s, e]) => {
  const ref = r as N; const start = s as N; const end = e as N;
  return (c, fr) => {
    const a = start(c, fr); const b = end(c, fr);
    return b === a ? 0 : (ref(c, fr) - a) / (b - a);
  };
};

/** `parse_time_delta("2h30m")`: seconds. */
export const PARSE_TIME_DELTA: Builder = ([x]) => { const s = x as Eval<string | null>; return (c, fr) => parseTimeDelta(str(s(c, fr))); };
