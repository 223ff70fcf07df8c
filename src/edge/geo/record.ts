// A MaxMind record (GeoIP2 / GeoLite2 City, Country, ASN, Connection-Type, Anonymous-IP; the
// MaxMind DB format, https://maxmind.github.io/MaxMind-DB/) as Fastly's geolocation record
// (src/vcl/runtime/geo.ts). Fields the databases do not hold keep Fastly's absent values.
//
// Mapping (lacquer's; Fastly's data comes from another supplier, so some fields differ in kind):
// - names are MaxMind's English ones (`names.en`); region is the most specific subdivision's
//   ISO code, as Fastly gives "the more specific subdivision" (client.geo.region.ascii);
// - country_code3 is the ISO 3166-1 alpha-3 code of country_code (the iso-3166 package);
// - utc_offset / gmt_offset: the current offset of MaxMind's `location.time_zone`, as (-)HHMM;
// - conn_speed / conn_type from a Connection-Type database's `connection_type`: Cable/DSL →
//   broadband / wired, Cellular → mobile / mobile, Satellite → satellite / satellite,
//   Corporate → broadband / wired;
// - proxy_type / proxy_description from an Anonymous-IP database: a Tor exit node → anonymous /
//   tor-exit, an anonymous VPN → anonymous / vpn, a public proxy → public / ?, a hosting
//   provider → hosting / cloud;
// - as.number / as.name from an ASN database.
import { iso31661Alpha2ToAlpha3 } from 'iso-3166';
import { ABSENT_GEO } from '../../vcl/index.ts';
import type { GeoRecord } from '../../vcl/index.ts';

/** The fields lacquer reads of a MaxMind record (every database type's, all optional). */
export interface MaxMindRecord {
  readonly continent?: { readonly code?: string };
  readonly country?: { readonly iso_code?: string; readonly names?: { readonly en?: string } };
  readonly city?: { readonly names?: { readonly en?: string } };
  readonly subdivisions?: readonly { readonly iso_code?: string }[];
  readonly postal?: { readonly code?: string };
  readonly location?: { readonly latitude?: number; readonly longitude?: number; readonly metro_code?: number; readonly time_zone?: string };
  readonly autonomous_system_number?: number;
  readonly autonomous_system_organization?: string;
  readonly connection_type?: string;
  readonly is_anonymous_vpn?: boolean;
  readonly is_hosting_provider?: boolean;
  readonly is_public_proxy?: boolean;
  readonly is_tor_exit_node?: boolean;
}

const CONNECTION: Readonly<Record<string, readonly [string, string]>> = {
  'Cable/DSL': ['broadband', 'wired'],
  Cellular: ['mobile', 'mobile'],
  Satellite: ['satellite', 'satellite'],
  Corporate: ['broadband', 'wired'],
};

const ALPHA3: Readonly<Record<string, string>> = iso31661Alpha2ToAlpha3;

/** Fastly's record for the MaxMind records of one address (one per database that holds it). */
export function toGeoRecord(records: readonly MaxMindRecord[], nowMs = Date.now()): GeoRecord {
  if (records.length === 0) return ABSENT_GEO;
  const pick = <T>(get: (r: MaxMindRecord) => T | undefined): T | undefined => {
    for (const r of records) { const v = get(r); if (v !== undefined) return v; }
    return undefined;
  };
  const countryCode = pick((r) => r.country?.iso_code);
  const subdivisions = pick((r) => r.subdivisions);
  const zone = pick((r) => r.location?.time_zone);
  const conn = CONNECTION[pick((r) => r.connection_type) ?? ''];
  const proxy = pick((r) => r.is_tor_exit_node === true ? ['anonymous', 'tor-exit'] as const
    : r.is_anonymous_vpn === true ? ['anonymous', 'vpn'] as const
      : r.is_public_proxy === true ? ['public', '?'] as const
        : r.is_hosting_provider === true ? ['hosting', 'cloud'] as const : undefined);
  return {
    countryCode: countryCode ?? ABSENT_GEO.countryCode,
    countryCode3: (countryCode === undefined ? undefined : ALPHA3[countryCode]) ?? ABSENT_GEO.countryCode3,
    countryName: pick((r) => r.country?.names?.en) ?? ABSENT_GEO.countryName,
    continentCode: pick((r) => r.continent?.code) ?? ABSENT_GEO.continentCode,
    city: pick((r) => r.city?.names?.en) ?? ABSENT_GEO.city,
    region: subdivisions?.[subdivisions.length - 1]?.iso_code ?? ABSENT_GEO.region,
    postalCode: pick((r) => r.postal?.code) ?? ABSENT_GEO.postalCode,
    latitude: pick((r) => r.location?.latitude) ?? ABSENT_GEO.latitude,
    longitude: pick((r) => r.location?.longitude) ?? ABSENT_GEO.longitude,
    metroCode: pick((r) => r.location?.metro_code) ?? ABSENT_GEO.metroCode,
    areaCode: ABSENT_GEO.areaCode,
    utcOffset: zone === undefined ? ABSENT_GEO.utcOffset : utcOffset(zone, nowMs),
    connSpeed: conn?.[0] ?? ABSENT_GEO.connSpeed,
    connType: conn?.[1] ?? ABSENT_GEO.connType,
    proxyType: proxy?.[0] ?? ABSENT_GEO.proxyType,
    proxyDescription: proxy?.[1] ?? ABSENT_GEO.proxyDescription,
    asNumber: pick((r) => r.autonomous_system_number) ?? ABSENT_GEO.asNumber,
    asName: pick((r) => r.autonomous_system_organization) ?? ABSENT_GEO.asName,
  };
}

/** The offset of an IANA time zone at `nowMs` as Fastly writes it: (-)HHMM, e.g. 530, -230, 0. */
export function utcOffset(zone: string, nowMs: number): number {
  let text: string | undefined;
  try {
    text = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(nowMs).find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    return ABSENT_GEO.utcOffset;
  }
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(text ?? '');
  if (m === null) return ABSENT_GEO.utcOffset;
  if (m[1] === undefined) return 0;
  const n = Number(m[2]) * 100 + Number(m[3]);
  return m[1] === '-' ? -n : n;
}
