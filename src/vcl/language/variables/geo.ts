// Closures of the geolocation variables (connection.ts declares them): each reads one field of
// the request's geolocation record (runtime/geo.ts), looked up once per request and address.
//
// Names come in three forms (https://www.fastly.com/documentation/reference/vcl/variables/geolocation/,
// "Lossy formats"): `.utf8` as the database has it; `.ascii` "diacritics removed and …
// normalized to lower case spellings", which the bare name (client.geo.city,
// client.geo.country_name) is an alias of; `.latin1` the ISO 8859-1 spelling — a VCL STRING
// here is text, so a character Latin-1 cannot hold becomes "?". Region codes are codes, not
// names: every form gives the code unchanged.
import type { GeoRecord } from '../../runtime/geo.ts';
import type { Accessors } from './define.ts';
import { ro, rw } from './define.ts';

export type NameForm = 'utf8' | 'ascii' | 'latin1';

/** A name with its diacritics removed, in lower case, ASCII only. */
export function asciiName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '').toLowerCase();
}

export function latin1Name(name: string): string {
  return Array.from(name.normalize('NFC'), (ch) => (ch.codePointAt(0) ?? 0) > 0xff ? '?' : ch).join('');
}

type StringField = { [K in keyof GeoRecord]: GeoRecord[K] extends string ? K : never }[keyof GeoRecord];
type NumberField = { [K in keyof GeoRecord]: GeoRecord[K] extends number ? K : never }[keyof GeoRecord];

/** A STRING field, as is. */
export const geoText = (field: StringField): Accessors => ro((c) => c.geo()[field]);

/** A numeric field (INTEGER or FLOAT). */
export const geoNumber = (field: NumberField): Accessors => ro((c) => c.geo()[field]);

/** A place name in one of Fastly's forms. */
export function geoName(field: 'city' | 'countryName', form: NameForm): Accessors {
  if (form === 'utf8') return ro((c) => c.geo()[field]);
  if (form === 'latin1') return ro((c) => latin1Name(c.geo()[field]));
  return ro((c) => asciiName(c.geo()[field]));
}

/**
 * `client.geo.ip_override`: the address geolocation looks up instead of client.ip. Reads as
 * not set until VCL sets it (Fastly: "The default is to use client.ip").
 */
export const ipOverride: Accessors = rw((c) => c.geoIpOverride, (c, _f, v) => { c.geoIpOverride = v as string | null; });
