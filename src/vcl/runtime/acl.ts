// ACL matching for `client.ip ~ acl_name`
// (https://www.fastly.com/documentation/reference/vcl/declarations/acl/): the longest
// matching prefix decides, and a negated entry (`!"10.1.0.0"/16`) that decides means
// "not in the ACL" — the same rule as Varnish's vcc_acl.c.
import { isIPv4, isIPv6 } from 'node:net';

export interface AclEntrySpec {
  readonly address: string;
  readonly mask: number | null;
  readonly negated: boolean;
}

interface Prefix {
  readonly v6: boolean;
  readonly bits: bigint;
  readonly mask: number;
  readonly negated: boolean;
}

/** An address as a number: 32 bits for IPv4, 128 for IPv6; null when it is neither. */
export function ipToBigInt(ip: string): { v6: boolean; value: bigint } | null {
  if (isIPv4(ip)) return { v6: false, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  if (!isIPv6(ip)) return null;
  let text = ip;
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const n = ipToBigInt(v4[1])!.value;
    text = text.slice(0, v4.index) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head === '' ? [] : head.split(':');
  const t = tail === null || tail === '' ? [] : tail.split(':');
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { v6: true, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n) };
}

/** Compiles entries once; returns null and the bad entry when an address does not parse. */
export function compileAcl(entries: readonly AclEntrySpec[]): { match: (ip: string | null) => boolean } | { error: string } {
  const prefixes: Prefix[] = [];
  for (const e of entries) {
    const ip = ipToBigInt(e.address);
    if (ip === null) return { error: `"${e.address}" is not an IP address` };
    const width = ip.v6 ? 128 : 32;
    const mask = e.mask ?? width;
    if (mask < 0 || mask > width) return { error: `prefix length /${mask} is out of range for ${e.address}` };
    const shift = BigInt(width - mask);
    prefixes.push({ v6: ip.v6, bits: (ip.value >> shift) << shift, mask, negated: e.negated });
  }
  prefixes.sort((a, b) => b.mask - a.mask);
  return {
    match(ipText) {
      if (ipText === null) return false;
      const ip = ipToBigInt(ipText);
      if (ip === null) return false;
      const width = ip.v6 ? 128 : 32;
      for (const p of prefixes) {
        if (p.v6 !== ip.v6) continue;
        const shift = BigInt(width - p.mask);
        if ((ip.value >> shift) << shift === p.bits) return !p.negated;
      }
      return false;
    },
  };
}
