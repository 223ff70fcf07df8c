// The test geolocation database: a few documentation and loopback networks with City, ASN,
// Connection-Type and Anonymous-IP fields, written at test time (./mmdb-writer.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { Uint, writeMmdb } from './mmdb-writer.ts';
import type { MmdbNetwork } from './mmdb-writer.ts';

export const STOCKHOLM = '192.0.2.10';
export const LOOPBACK_COUNTRY = 'NZ';

export const NETWORKS: readonly MmdbNetwork[] = [
  {
    cidr: '192.0.2.0/24',
    record: {
      continent: { code: 'EU', names: { en: 'Europe' } },
      country: { iso_code: 'SE', names: { en: 'Sweden' } },
      city: { names: { en: 'Göteborg' } },
      subdivisions: [{ iso_code: 'O', names: { en: 'Västra Götaland' } }],
      postal: { code: '411 01' },
      location: { latitude: 57.7072, longitude: 11.9668, time_zone: 'UTC', metro_code: new Uint(0, 2) },
      autonomous_system_number: new Uint(64500), autonomous_system_organization: 'Example Telecom AB',
      connection_type: 'Cable/DSL',
    },
  },
  {
    cidr: '198.51.100.0/24',
    record: {
      country: { iso_code: 'US', names: { en: 'United States' } },
      location: { latitude: 37.751, longitude: -97.822, time_zone: 'America/New_York', metro_code: new Uint(501, 2) },
      is_anonymous_vpn: true, is_anonymous: true,
    },
  },
  { cidr: '127.0.0.0/8', record: { country: { iso_code: LOOPBACK_COUNTRY, names: { en: 'New Zealand' } }, continent: { code: 'OC' } } },
];

/** Writes the test database to a temporary file removed after the test. */
export function geoDatabaseFile(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lacquer-geo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'test-city.mmdb');
  writeFileSync(file, writeMmdb(NETWORKS));
  return file;
}
