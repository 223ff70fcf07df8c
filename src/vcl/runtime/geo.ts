// What `client.geo.*`, `client.as.*` and the legacy `geoip.*` variables read: one record per
// looked-up address, with Fastly's special values where the data is missing
// (https://www.fastly.com/documentation/reference/vcl/variables/geolocation/ and each variable's
// page). The edge fills it from the operator's MaxMind database (src/edge/geo/); without one,
// or for an address the database does not hold, every address reads as ABSENT_GEO.
//
// Fastly's special values, as its pages give them:
// - absent data: "For STRING types, the special value ? is used to indicate absent data"
//   (geolocation overview); latitude and longitude 999.9 ("the special value 999.9 used to
//   indicate absent data", client.geo.latitude); utc_offset and gmt_offset 0 ("The special
//   value 0 is used to indicate absent data", client.geo.utc_offset); proxy_type and
//   proxy_description "?" ("Defaults to ? when an IP address is not known to be a proxy");
//   country_code "**", which Fastly's own examples test for ("client.geo.country_code !=
//   \"**\"", client.geo.region.ascii). AS number 0 is the reserved AS (RFC 1930), which
//   Fastly's client.as.number example classifies as "reserved".
// - an invalid address in client.geo.ip_override: "STRING variables are set to the empty
//   string, FLOAT variables are set to 999.0, and INTEGER variables are set to 0"
//   (client.geo.ip_override); utc_offset and gmt_offset 9999, "the special value 9999 to
//   indicate an invalid region" (client.geo.utc_offset), its own page being the more specific.

export interface GeoRecord {
  readonly countryCode: string;
  readonly countryCode3: string;
  readonly countryName: string;
  readonly continentCode: string;
  readonly city: string;
  /** ISO 3166-2 subdivision code, without the country part. */
  readonly region: string;
  readonly postalCode: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly metroCode: number;
  readonly areaCode: number;
  /** (-)HHMM or (-)HMM, as Fastly gives it. */
  readonly utcOffset: number;
  readonly connSpeed: string;
  readonly connType: string;
  readonly proxyType: string;
  readonly proxyDescription: string;
  readonly asNumber: number;
  readonly asName: string;
}

export const ABSENT_GEO: GeoRecord = Object.freeze({
  countryCode: '**', countryCode3: '?', countryName: '?', continentCode: '?', city: '?', region: '?', postalCode: '?',
  latitude: 999.9, longitude: 999.9, metroCode: 0, areaCode: 0, utcOffset: 0,
  connSpeed: '?', connType: '?', proxyType: '?', proxyDescription: '?', asNumber: 0, asName: '?',
});

export const INVALID_GEO: GeoRecord = Object.freeze({
  countryCode: '', countryCode3: '', countryName: '', continentCode: '', city: '', region: '', postalCode: '',
  latitude: 999.0, longitude: 999.0, metroCode: 0, areaCode: 0, utcOffset: 9999,
  connSpeed: '', connType: '', proxyType: '', proxyDescription: '', asNumber: 0, asName: '',
});

/** Looks an address up; returns ABSENT_GEO when nothing is known of it. The address is a valid IP. */
export type GeoLookup = (ip: string) => GeoRecord;
