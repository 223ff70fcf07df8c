// The default egress list (DESIGN.md §4.1 `--egress`: "the POP's own addresses (global unicast
// only)"): what a host's interfaces hold, less everything an origin on the Internet never sees.
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { isGlobalUnicast, popAddresses } from '../../src/control/ipranges.ts';

function iface(address: string, internal = false): NetworkInterfaceInfo {
  const v6 = address.includes(':');
  return v6
    ? { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal, cidr: `${address}/64`, scopeid: 0 }
    : { address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: `${address}/24` };
}

test('the default egress list holds the host\'s global unicast addresses only', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', true), iface('::1', true)],
    eth0: [iface('93.184.216.34'), iface('10.0.0.5'), iface('fe80::1c2:3ff:fe04:506'), iface('2a00:1450:4001:80b::200e')],
    eth1: [iface('169.254.10.20'), iface('fd12:3456:789a::1'), iface('172.16.4.4'), iface('192.168.1.10'), iface('100.64.1.1')],
    docs: [iface('192.0.2.7'), iface('2001:db8::7'), iface('198.51.100.1'), iface('203.0.113.9')],
  };
  assert.deepEqual(popAddresses(interfaces), ['93.184.216.34', '2a00:1450:4001:80b::200e']);
});

test('global unicast follows the IANA special-purpose registries and 2000::/3', () => {
  const cases: Array<[string, boolean]> = [
    ['8.8.8.8', true], ['1.1.1.1', true], ['2606:4700::1111', true], ['2a00:1450::1', true],
    ['127.0.0.1', false], ['0.0.0.0', false], ['10.1.2.3', false], ['172.31.255.255', false], ['172.32.0.1', true],
    ['192.168.0.1', false], ['169.254.169.254', false], ['100.127.0.1', false], ['100.128.0.1', true],
    ['198.18.0.1', false], ['224.0.0.1', false], ['255.255.255.255', false],
    ['::1', false], ['::', false], ['fe80::1', false], ['fc00::1', false], ['fd00::1', false], ['ff02::1', false],
    ['::ffff:8.8.8.8', false], ['2001:db8::1', false], ['3fff::1', false], ['2001::1', false],
    ['not an address', false],
  ];
  assert.deepEqual(cases.map(([a]) => [a, isGlobalUnicast(a)]), cases);
});
