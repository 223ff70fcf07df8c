// The two CRC-32s of Fastly's digest.hash_crc32b (CRC-32, PKZip/ITU V.42: zlib's) and
// digest.hash_crc32 (CRC-32/BZIP2: the same polynomial, unreflected). Fastly prints the 32-bit
// value's bytes lowest first: its reference examples give "2639f4cb" for the CRC-32 0xcbf43926 of
// "123456789" and "181989fc" for the CRC-32/BZIP2 0xfc891918
// (https://www.fastly.com/documentation/reference/vcl/functions/cryptographic/digest-hash-crc32b/).
import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';

/** The value's four bytes, least significant first, in hex. */
function littleEndianHex(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
}

const BZIP2_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32bHex(s: string): string {
  return littleEndianHex(crc32(Buffer.from(s, 'utf8')));
}

export function crc32Bzip2Hex(s: string): string {
  let c = 0xffffffff;
  for (const byte of Buffer.from(s, 'utf8')) c = ((c << 8) ^ BZIP2_TABLE[((c >>> 24) ^ byte) & 0xff]) >>> 0;
  return littleEndianHex(~c >>> 0);
}
