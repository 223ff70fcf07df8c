// The operator's MaxMind database as Fastly's geolocation record: each field from a database
// written at test time, Fastly's absent values for an address it does not hold, and a clear
// error for a file that is not a MaxMind database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openGeoDatabase, GeoDatabaseError } from '../../../src/edge/geo/database.ts';
import { utcOffset } from '../../../src/edge/geo/record.ts';
import { ABSENT_GEO } from '../../../src/vcl/index.ts';
import { geoDatabaseFile, STOCKHOLM } from './fixture.ts';

test('an address the database holds reads as Fastly\'s record of it', (t) => {
  const lookup = openGeoDatabase([geoDatabaseFile(t)]);
  assert.deepEqual(lookup(STOCKHOLM), {
    countryCode: 'SE', countryCode3: 'SWE', countryName: 'Sweden', continentCode: 'EU', city: 'Göteborg', region: 'O',
    postalCode: '411 01', latitude: 57.7072, longitude: 11.9668, metroCode: 0, areaCode: 0, utcOffset: 0,
    connSpeed: 'broadband', connType: 'wired', proxyType: '?', proxyDescription: '?', asNumber: 64500, asName: 'Example Telecom AB',
  });
  const us = lookup('198.51.100.7');
  assert.equal(us.countryCode3, 'USA');
  assert.equal(us.metroCode, 501);
  assert.equal(us.proxyType, 'anonymous');
  assert.equal(us.proxyDescription, 'vpn');
  assert.equal(us.city, '?');
  assert.ok(us.utcOffset === -400 || us.utcOffset === -500, `New York is UTC-4 or UTC-5, got ${us.utcOffset}`);
});

test('an address the database does not hold, and an IPv6 address in an IPv4 database, read as absent', (t) => {
  const lookup = openGeoDatabase([geoDatabaseFile(t)]);
  assert.deepEqual(lookup('203.0.113.1'), ABSENT_GEO);
  assert.deepEqual(lookup('2001:db8::1'), ABSENT_GEO);
});

test('Fastly\'s values for absent data', () => {
  assert.equal(ABSENT_GEO.countryCode, '**');
  assert.equal(ABSENT_GEO.latitude, 999.9);
  assert.equal(ABSENT_GEO.longitude, 999.9);
  assert.equal(ABSENT_GEO.utcOffset, 0);
  assert.equal(ABSENT_GEO.asNumber, 0);
  assert.equal(ABSENT_GEO.proxyType, '?');
  assert.equal(ABSENT_GEO.city, '?');
});

test('a time zone\'s offset is written (-)HHMM as Fastly gives utc_offset', () => {
  const jan = Date.UTC(2024, 0, 15);
  const cases: [string, number][] = [['UTC', 0], ['Asia/Kolkata', 530], ['America/St_Johns', -330], ['Europe/Stockholm', 100], ['Australia/Adelaide', 1030], ['Not/AZone', 0]];
  for (const [zone, offset] of cases) assert.equal(utcOffset(zone, jan), offset, zone);
});

test('a file that is missing or not a MaxMind database is refused with its name', (t) => {
  const dir = path.dirname(geoDatabaseFile(t));
  const bogus = path.join(dir, 'bogus.mmdb');
  writeFileSync(bogus, 'not a database');
  assert.throws(() => openGeoDatabase([bogus]), (err: unknown) => err instanceof GeoDatabaseError && err.message.startsWith(`cannot use "${bogus}" as a MaxMind geolocation database: `));
  const missing = path.join(dir, 'missing.mmdb');
  assert.throws(() => openGeoDatabase([missing]), { message: `cannot use "${missing}" as a MaxMind geolocation database: ENOENT` });
});
