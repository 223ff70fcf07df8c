// Header field lines as node:http would write them, checked as it checks them, and kept as
// bytes: the lines a response adds (./response.ts), and a cached object's fields serialised
// once and reused by every response that serves the object (a `base`, see
// ClientResponse.writeHead).

import { Buffer } from 'node:buffer';
import type http from 'node:http';
import { putLatin1 } from '../bytes.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * True when `value` has a character node:http refuses in a field value or reason: a control
 * character other than tab, DEL, or one beyond latin1. A loop: the values are mostly a few
 * characters long, where a regular expression's call cost more than the scan.
 */
export function invalidValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return true;
  }
  return false;
}

/** Field names already checked, so a steady set of names costs one lookup each (bounded). */
const CHECKED_NAMES = new Set<string>();

function checkName(name: string): void {
  if (CHECKED_NAMES.has(name)) return;
  if (!TOKEN.test(name)) throw invalid(`header name "${name}"`);
  if (CHECKED_NAMES.size < 1024) CHECKED_NAMES.add(name);
}

export function invalid(what: string): TypeError {
  return Object.assign(new TypeError(`Invalid character in ${what}`), { code: 'ERR_INVALID_CHAR' });
}

/**
 * The field lines of a `base` header object (see ClientResponse.writeHead), serialised and
 * checked once per base: a cached object's fields are the same in every response that serves it.
 */
export interface SerialisedBase {
  readonly bytes: Buffer;
  readonly names: readonly string[];
  readonly values: readonly unknown[];
  readonly hasLength: boolean;
  readonly hasDate: boolean;
}

const SERIALISED_BASES = new WeakMap<object, SerialisedBase | null>();

export function serialisedBase(base: http.OutgoingHttpHeaders): SerialisedBase | null {
  let s = SERIALISED_BASES.get(base);
  if (s === undefined) SERIALISED_BASES.set(base, s = serialiseBase(base));
  return s;
}

/** Null when the base has a field only the response may write, or one that is not valid. */
function serialiseBase(base: http.OutgoingHttpHeaders): SerialisedBase | null {
  const lines = new FieldLines();
  const names: string[] = [];
  const values: unknown[] = [];
  for (const name in base) {
    const value = base[name];
    if (value === undefined) continue;
    if (name === 'connection' || name === 'transfer-encoding' || name === 'keep-alive') return null;
    try {
      lines.add(name, value);
    } catch {
      return null;
    }
    names.push(name);
    values.push(value);
  }
  const bytes = Buffer.allocUnsafeSlow(lines.bytes);
  lines.writeTo(bytes, 0);
  return { bytes, names, values, hasLength: base['content-length'] !== undefined, hasDate: base.date !== undefined };
}

/**
 * Field lines checked as node:http checks them (a token name; no CR, LF or other control
 * character in a value), kept until written. Every character of a checked line is latin1, so
 * it takes one byte.
 */
export class FieldLines {
  readonly #names: string[] = [];
  readonly #values: string[] = [];
  /** The lines' size in bytes: `name: value\r\n` each. */
  bytes = 0;

  add(name: string, value: number | string | readonly string[]): void {
    checkName(name);
    if (typeof value === 'object') {
      for (const v of value) this.#line(name, v);
    } else {
      this.#line(name, typeof value === 'string' ? value : String(value));
    }
  }

  #line(name: string, value: string): void {
    if (invalidValue(value)) throw invalid(`header "${name}"`);
    this.#names.push(name);
    this.#values.push(value);
    this.bytes += name.length + value.length + 4;
  }

  /** Writes the lines at `at` and returns the offset after them. */
  writeTo(out: Buffer, at: number): number {
    const names = this.#names;
    const values = this.#values;
    for (let i = 0; i < names.length; i++) {
      at = putLatin1(out, at, names[i]);
      out[at++] = 0x3a;
      out[at++] = 0x20;
      at = putLatin1(out, at, values[i]);
      out[at++] = 0x0d;
      out[at++] = 0x0a;
    }
    return at;
  }
}
