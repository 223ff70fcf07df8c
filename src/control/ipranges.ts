// The addresses lacquer connects to origins from, for origin firewalls (issue 3 §6). Fastly
// publishes these at https://api.fastly.com/public-ip-list; lacquer serves the same shapes.
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface IpRanges {
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

/** Normalises `--egress` entries: a bare address becomes a /32 or /128 CIDR. Throws on anything else. */
export function parseEgress(entries: readonly string[]): IpRanges {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [addr, bits, extra] = entry.split('/');
    const max = isIPv4(addr) ? 32 : isIPv6(addr) ? 128 : 0;
    const prefix = bits === undefined ? max : Number(bits);
    if (max === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`invalid egress range "${entry}": expected an IPv4 or IPv6 address or CIDR`);
    }
    (max === 32 ? v4 : v6).push(`${addr}/${prefix}`);
  }
  return { v4, v6 };
}

/** The POP's own non-loopback addresses: the default when no `--egress` is given. */
export function popAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => list ?? [])
    .filter((i) => !i.internal).map((i) => i.address);
}
