// A small MaxMind DB writer for tests, written from the format's specification
// (https://maxmind.github.io/MaxMind-DB/, "MaxMind DB File Format Specification" 2.0): no
// maintained npm package writes MMDB files (mmdb-lib only reads them), and tests must build
// their databases at test time. It writes an IPv4 database (ip_version 4, 32-bit tree) with
// 24-bit records; that is all the tests need.
//
// Layout: the search tree (node_count nodes of two 3-byte records: a record < node_count is a
// node, == node_count is "no data", > node_count points into the data section at
// value - node_count - 16), 16 zero bytes, the data section, then "\xAB\xCD\xEFMaxMind.com"
// and the metadata map.

/** A value of the data section: a JS number is a double; an unsigned integer is a Uint. */
export type MmdbValue = string | number | boolean | Uint | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

/** An unsigned integer of 2, 4 or 8 bytes (uint16, uint32, uint64). */
export class Uint {
  readonly value: number;
  readonly bytes: 2 | 4 | 8;
  constructor(value: number, bytes: 2 | 4 | 8 = 4) { this.value = value; this.bytes = bytes; }
}

type Value = MmdbValue;

function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) { sizeBits = 29; extra.push(size - 29); }
  else if (size < 65_821) { sizeBits = 30; const n = size - 285; extra.push(n >> 8, n & 0xff); }
  else { sizeBits = 31; const n = size - 65_821; extra.push((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff); }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...extra]);
}

function uintBytes(n: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let v = BigInt(n);
  for (let i = bytes - 1; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  let start = 0;
  while (start < bytes && out[start] === 0) start++;
  return out.subarray(start);
}

/** One value in the data section's encoding. */
export function encode(v: Value): Buffer {
  if (v instanceof Uint) {
    const payload = uintBytes(v.value, v.bytes);
    const type = v.bytes === 2 ? 5 : v.bytes === 4 ? 6 : 9;
    return Buffer.concat([control(type, payload.length), payload]);
  }
  if (typeof v === 'string') {
    const payload = Buffer.from(v, 'utf8');
    return Buffer.concat([control(2, payload.length), payload]);
  }
  if (typeof v === 'number') {
    const payload = Buffer.alloc(8);
    payload.writeDoubleBE(v);
    return Buffer.concat([control(3, 8), payload]);
  }
  if (typeof v === 'boolean') return control(14, v ? 1 : 0);
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map((x) => encode(x))]);
  const entries = Object.entries(v as Record<string, Value>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

export interface MmdbNetwork {
  /** `a.b.c.d/len` */
  readonly cidr: string;
  readonly record: { readonly [key: string]: Value };
}

type Slot = { node: number } | { data: number } | null;

/** An IPv4 MaxMind DB holding `networks` (which must not overlap). */
export function writeMmdb(networks: readonly MmdbNetwork[], databaseType = 'GeoIP2-City'): Buffer {
  const nodes: [Slot, Slot][] = [[null, null]];
  const data: Buffer[] = [];
  let dataLength = 0;
  for (const { cidr, record } of networks) {
    const [addr, len] = cidr.split('/');
    const bits = addr.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
    const prefix = Number(len);
    const encoded = encode(record);
    const offset = dataLength;
    data.push(encoded);
    dataLength += encoded.length;
    let node = 0;
    for (let i = 0; i < prefix; i++) {
      const bit = Number((bits >> BigInt(31 - i)) & 1n);
      if (i === prefix - 1) { nodes[node][bit] = { data: offset }; break; }
      const next = nodes[node][bit];
      if (next !== null && 'node' in next) { node = next.node; continue; }
      nodes.push([null, null]);
      nodes[node][bit] = { node: nodes.length - 1 };
      node = nodes.length - 1;
    }
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  const value = (s: Slot): number => s === null ? count : 'node' in s ? s.node : count + 16 + s.data;
  nodes.forEach(([l, r], i) => { tree.writeUIntBE(value(l), i * 6, 3); tree.writeUIntBE(value(r), i * 6 + 3, 3); });
  const metadata = encode({
    node_count: new Uint(count), record_size: new Uint(24, 2), ip_version: new Uint(4, 2), database_type: databaseType,
    languages: ['en'], binary_format_major_version: new Uint(2, 2), binary_format_minor_version: new Uint(0, 2),
    build_epoch: new Uint(1_700_000_000, 8), description: { en: 'lacquer test database' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('abcdef', 'hex'), Buffer.from('MaxMind.com'), metadata]);
}
