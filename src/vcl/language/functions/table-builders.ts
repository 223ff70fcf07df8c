// table.lookup_bool, _integer, _float, _ip, _rtime and _backend
// (https://www.fastly.com/documentation/reference/vcl/functions/table/): the entry for the key
// when it holds a value of the function's type, else the default. A table declared with that
// type holds converted values already (compile/program.ts); a STRING table — an edge dictionary,
// whose items are always strings — has its entry converted by VCL's own rules, so a dictionary
// item "true" or "42" serves table.lookup_bool or table.lookup_integer, and an item that does not
// convert gives the default, never a failed request.
import { isIP } from 'node:net';
import type { VclTable } from '../../runtime/tables.ts';
import type { Builder } from './define.ts';
import { str } from './build.ts';
import type { S } from './build.ts';
import type { Eval } from '../../runtime/value.ts';

export type LookupType = 'BOOL' | 'INTEGER' | 'FLOAT' | 'IP' | 'RTIME' | 'BACKEND';

/** Seconds per unit: an RTIME is a count of seconds at run time. */
const RTIME_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, y: 31_536_000 };

/** An entry of a STRING table read as `type`, or undefined when it is not one. */
function fromText(type: LookupType, text: string): unknown {
  switch (type) {
    case 'BOOL': return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'INTEGER': return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'FLOAT': return /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
    case 'IP': return isIP(text) !== 0 ? text : undefined;
    case 'RTIME': {
      const m = /^(-?\d+(?:\.\d+)?)(ms|s|m|h|d|y)$/.exec(text);
      return m === null ? undefined : Number(m[1]) * RTIME_UNITS[m[2]];
    }
    case 'BACKEND': return undefined;
  }
}

const JS_TYPE: Readonly<Record<LookupType, string>> = { BOOL: 'boolean', INTEGER: 'number', FLOAT: 'number', IP: 'string', RTIME: 'number', BACKEND: 'string' };

export function tableLookup(type: LookupType): Builder {
  return ([t, k, d]) => {
    const table = t as VclTable; const key = k as S; const def = d as Eval<unknown>;
    return (c, fr) => {
      const v = table.entries.get(str(key(c, fr)));
      if (v === undefined || v === null) return def(c, fr);
      if (table.type === type && typeof v === JS_TYPE[type]) return v;
      if (table.type === 'STRING' && typeof v === 'string') return fromText(type, v) ?? def(c, fr);
      return def(c, fr);
    };
  };
}
