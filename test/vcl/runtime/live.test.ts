// Tables and ACLs whose contents the edge replaces in a running service (src/vcl/runtime/live.ts):
// a compiled service filled from its source's dictionaries and ACLs, then changed in place, is
// read by table.* and `client.ip ~` at their next call, without compiling again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileService, replaceTable, type CompiledService, type ServiceSource } from '../../../src/vcl/index.ts';
import { BACKEND, makeContext } from '../helpers/context.ts';

const VCL = `${BACKEND}
table flags { }
acl blocked { }
sub vcl_recv {
  set req.http.Colour = table.lookup(flags, "colour", "none");
  set req.http.Has = if(table.contains(flags, "colour"), "yes", "no");
  if (client.ip ~ blocked) { set req.http.Blocked = "1"; }
}`;

function source(extra: Partial<ServiceSource> = {}): ServiceSource {
  return {
    serviceId: 's', version: 1, domains: ['x.example'], settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43200 },
    main: 'main.vcl', files: [{ name: 'main.vcl', content: VCL }], ...extra,
  };
}

function compiled(extra: Partial<ServiceSource> = {}): CompiledService {
  const { service, diagnostics } = compileService(source(extra));
  assert.ok(service !== null, JSON.stringify(diagnostics));
  return service;
}

function recv(service: CompiledService, ip = '192.0.2.1'): Record<string, string | null> {
  const ctx = makeContext({ clientIp: ip });
  service.run('recv', ctx);
  return { colour: ctx.req.http.get('colour'), has: ctx.req.http.get('has'), blocked: ctx.req.http.get('blocked') };
}

test('a table is filled from the source\'s dictionary and replaced in place, read at the next call', () => {
  const service = compiled({ dictionaries: [{ id: 'd1', name: 'flags', items: [['colour', 'green']] }] });
  assert.deepEqual(recv(service), { colour: 'green', has: 'yes', blocked: null });
  assert.equal(replaceTable(service.live!, 'flags', [['colour', 'blue']]), true);
  assert.deepEqual(recv(service), { colour: 'blue', has: 'yes', blocked: null });
  replaceTable(service.live!, 'flags', []);
  assert.deepEqual(recv(service), { colour: 'none', has: 'no', blocked: null });
  assert.equal(replaceTable(service.live!, 'absent', []), false);
});

test('an ACL is filled from the source\'s entries and its matcher replaced in place; a bad entry keeps the previous one', () => {
  const service = compiled({ acls: [{ id: 'a1', name: 'blocked', entries: [{ address: '192.0.2.0', mask: 24, negated: false }] }] });
  assert.equal(recv(service, '192.0.2.9').blocked, '1');
  assert.equal(recv(service, '198.51.100.1').blocked, null);
  const acl = service.live!.acls.get('blocked')!;
  assert.equal(acl.replace([{ address: '198.51.100.0', mask: 24, negated: false }, { address: '198.51.100.7', mask: null, negated: true }]), null);
  assert.deepEqual([recv(service, '192.0.2.9').blocked, recv(service, '198.51.100.1').blocked, recv(service, '198.51.100.7').blocked], [null, '1', null]);
  assert.equal(acl.replace([{ address: 'nope', mask: null, negated: false }]), '"nope" is not an IP address');
  assert.equal(recv(service, '198.51.100.1').blocked, '1');
});

test('a source whose dictionary has no table, or whose ACL entry does not parse, does not compile', () => {
  const noTable = compileService(source({ dictionaries: [{ id: 'd', name: 'missing', items: [] }] }));
  assert.equal(noTable.service, null);
  assert.deepEqual(noTable.diagnostics.map((d) => d.message), ['dictionary missing has no table declared for it']);
  const badEntry = compileService(source({ acls: [{ id: 'a', name: 'blocked', entries: [{ address: '10.0.0.0', mask: 40, negated: false }] }] }));
  assert.equal(badEntry.service, null);
  assert.deepEqual(badEntry.diagnostics.map((d) => d.message), ['acl blocked: prefix length /40 is out of range for 10.0.0.0']);
});
