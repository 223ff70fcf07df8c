// Geolocation through the real edge, as a Fiddle would run it: VCL tags the origin request with
// client.geo.* (Fastly's "Tag requests with geolocation data" pattern), an origin echoes the
// tags, a client asks. With a MaxMind database written at test time (--geoip-db): the client's
// own address, an address chosen with client.geo.ip_override, one the database does not hold and
// one that is no address. Without a database: Fastly's absent values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOrigin } from '../../edge/helpers.ts';
import { startEdgeStack } from '../harness.ts';
import { geoDatabaseFile, LOOPBACK_COUNTRY, STOCKHOLM } from '../../edge/geo/fixture.ts';

const VCL = `
sub vcl_recv {
  #FASTLY recv
  if (req.http.X-Lookup) { set client.geo.ip_override = req.http.X-Lookup; }
  set req.http.X-Geo = client.geo.country_code "|" client.geo.country_code3 "|" client.geo.country_name "|"
    client.geo.city "|" client.geo.city.utf8 "|" client.geo.region "|" client.geo.continent_code "|"
    client.geo.latitude "|" client.geo.longitude "|" client.geo.utc_offset "|" client.as.number "|" client.as.name "|"
    client.geo.conn_speed "|" client.geo.proxy_type "|" geoip.country_code;
  return(pass);
}
`;

async function stack(t: Parameters<typeof startEdgeStack>[0], geoipDb?: string) {
  const { port } = await httpOrigin(t, (req, res) => res.end(String(req.headers['x-geo'])));
  const lq = await startEdgeStack(t, geoipDb === undefined ? {} : { geoipDb });
  await lq.createService({ domains: ['geo.example'], backends: [{ name: 'origin', address: '127.0.0.1', port }], vcl: VCL });
  return (lookup?: string) => lq.edge('geo.example', { path: '/', headers: lookup === undefined ? {} : { 'x-lookup': lookup } }).then((r) => r.body);
}

test('client.geo.* comes from the --geoip-db database for the client\'s address and for client.geo.ip_override', async (t) => {
  const geo = await stack(t, geoDatabaseFile(t));
  assert.equal((await geo()).split('|')[0], LOOPBACK_COUNTRY, 'the client connects from 127.0.0.1');
  assert.equal(await geo(STOCKHOLM), 'SE|SWE|sweden|goteborg|Göteborg|O|EU|57.707|11.967|0|64500|Example Telecom AB|broadband|?|SE');
  assert.equal(await geo('203.0.113.9'), '**|?|?|?|?|?|?|999.900|999.900|0|0|?|?|?|**', 'an address the database does not hold');
  assert.equal(await geo('not-an-address'), '|||||||999.000|999.000|9999|0||||', 'Fastly\'s invalid-region values');
});

test('without a database every address reads as Fastly\'s absent data', async (t) => {
  const geo = await stack(t);
  assert.equal(await geo(), '**|?|?|?|?|?|?|999.900|999.900|0|0|?|?|?|**');
  assert.equal(await geo(STOCKHOLM), '**|?|?|?|?|?|?|999.900|999.900|0|0|?|?|?|**');
});

test('--geoip-db takes one file or several, from the flag or LACQUER_GEOIP_DB, and refuses an empty name', async () => {
  const { resolveServeOptions } = await import('../../../src/process/options.ts');
  assert.deepEqual(resolveServeOptions({ geoipDb: 'a.mmdb, b.mmdb' }, {}).geoipDb, ['a.mmdb', 'b.mmdb']);
  assert.deepEqual(resolveServeOptions({}, { LACQUER_GEOIP_DB: 'city.mmdb' }).geoipDb, ['city.mmdb']);
  assert.throws(() => resolveServeOptions({ geoipDb: 'a.mmdb,' }, {}), { message: '--geoip-db: must be FILE or FILE,FILE…, with no empty name, got "a.mmdb,"' });
});
