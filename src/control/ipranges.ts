// The addresses lacquer connects to origins from, for origin firewalls (DESIGN.md §4.1
// `--egress`, §4.2). Fastly publishes these at https://api.fastly.com/public-ip-list; lacquer
// serves the same shapes.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

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

/**
 * The POP's own addresses that an origin on the Internet can see connections come from: the
 * default when no `--egress` is given (DESIGN.md §4.1: "global unicast only").
 */
export function popAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  return Object.values(interfaces).flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, ''))
    .filter(isGlobalUnicast);
}

// What is not global unicast, from the IANA special-purpose address registries that RFC 6890
// §2.2 set up (IPv4 and IPv6), every block whose "Globally Reachable" is False, plus the
// blocks that are not unicast at all (IPv4 multicast and class E, RFC 5771, RFC 1112 §4).
// IPv6 must also be inside 2000::/3, the only block IANA assigns global unicast from (RFC 4291
// §2.4, and its "Global Unicast" rule): that leaves out ::1 and :: (RFC 4291 §2.5.2–3),
// link-local fe80::/10 (§2.5.6), multicast ff00::/8 (§2.7), IPv4-mapped ::ffff:0:0/96
// (§2.5.5.2) and unique local fc00::/7 (RFC 4193 §1: not routable on the global Internet).
// Private IPv4 (RFC 1918) and shared 100.64.0.0/10 (RFC 6598) are left out too: behind NAT an
// origin sees the translated address, which only `--egress` can name.
const NOT_GLOBAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_GLOBAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['2001::', 23], ['2001:db8::', 32], ['3fff::', 20],
] as const) NOT_GLOBAL.addSubnet(net, prefix, 'ipv6');
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

export function isGlobalUnicast(address: string): boolean {
  if (isIPv4(address)) return !NOT_GLOBAL.check(address, 'ipv4');
  if (isIPv6(address)) return GLOBAL_UNICAST_V6.check(address, 'ipv6') && !NOT_GLOBAL.check(address, 'ipv6');
  return false;
}
