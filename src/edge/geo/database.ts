// The operator's geolocation database (`--geoip-db FILE[,FILE…]`, DESIGN.md §4.1 style): MaxMind
// DB files (GeoIP2 / GeoLite2 City or Country, and optionally ASN, Connection-Type,
// Anonymous-IP), read whole into memory once per worker and looked up with MaxMind's maintained
// reader (the `maxmind` package). Lookups are cached per address (an LRU of LOOKUP_CACHE
// entries), since one client sends many requests. A file that is missing or is not a MaxMind DB
// fails the start with a message naming it; a running edge never reopens it (restart to load a
// newer database).
import { readFileSync } from 'node:fs';
import { Reader } from 'maxmind';
import type { Response } from 'maxmind';
import { LRUCache } from 'lru-cache';
import type { GeoLookup, GeoRecord } from '../../vcl/index.ts';
import { toGeoRecord } from './record.ts';
import type { MaxMindRecord } from './record.ts';

/** Addresses whose record a worker keeps (bounded: a flood of unique clients cannot grow it). */
export const LOOKUP_CACHE = 10_000;

export class GeoDatabaseError extends Error {
  constructor(file: string, reason: string) {
    super(`cannot use "${file}" as a MaxMind geolocation database: ${reason}`);
    this.name = 'GeoDatabaseError';
  }
}

/** Opens each file (synchronously: it is read once, at start) and returns the lookup over all of them. */
export function openGeoDatabase(files: readonly string[]): GeoLookup {
  const readers = files.map((file) => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch (err) {
      throw new GeoDatabaseError(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    try {
      return new Reader<Response>(buffer);
    } catch (err) {
      throw new GeoDatabaseError(file, (err as Error).message);
    }
  });
  const cache = new LRUCache<string, GeoRecord>({ max: LOOKUP_CACHE });
  return (ip) => {
    const hit = cache.get(ip);
    if (hit !== undefined) return hit;
    const records: MaxMindRecord[] = [];
    for (const r of readers) {
      const found = r.get(ip) as MaxMindRecord | null;
      if (found !== null) records.push(found);
    }
    const record = toGeoRecord(records);
    cache.set(ip, record);
    return record;
  };
}
