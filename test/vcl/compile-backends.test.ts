import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileUnchecked, compileVcl } from './helpers/context.ts';
import type { BackendDefinition } from '../../src/model/backend.ts';

const FASTLY_EXAMPLE = `
backend backend_name {
.dynamic = true;
.share_key = "YOUR_SERVICE_ID";
.host = "storage.googleapis.com";
.port = "443";
.ssl = true;
.ssl_cert_hostname = "storage.googleapis.com";
.ssl_check_cert = always;
.ssl_sni_hostname = "storage.googleapis.com";
.between_bytes_timeout = 10s;
.connect_timeout = 1s;
.first_byte_timeout = 15s;
.max_connections = 200;
.host_header = "storage.googleapis.com";
.always_use_host_header = true;
.probe = {
.dummy = true;
.request = "HEAD / HTTP/1.1" "Host: storage.googleapis.com" "Connection: close";
.initial = 5;
.threshold = 1;
.timeout = 2s;
.window = 5;
}
}
sub vcl_recv { set req.backend = backend_name; }
`;

test("Fastly's documented backend declaration becomes a definition with every field", () => {
  const s = compileVcl(FASTLY_EXAMPLE);
  const expected: BackendDefinition = {
    name: 'backend_name', shareKey: 'YOUR_SERVICE_ID', dynamic: true, host: 'storage.googleapis.com', port: 443, ssl: true,
    sslCertHostname: 'storage.googleapis.com', sslSniHostname: 'storage.googleapis.com', sslCheckCert: true, sslCaCert: null,
    minTlsVersion: null, maxTlsVersion: null, sslCiphers: null,
    connectTimeoutMs: 1000, firstByteTimeoutMs: 15000, betweenBytesTimeoutMs: 10000, maxConnections: 200,
    hostHeader: 'storage.googleapis.com', alwaysUseHostHeader: true, keepaliveTimeMs: null, preferIpv6: false, errorThreshold: 0,
    probe: {
      dummy: true, request: ['HEAD / HTTP/1.1', 'Host: storage.googleapis.com', 'Connection: close'], expectedResponse: 200,
      intervalMs: 5000, timeoutMs: 2000, window: 5, threshold: 1, initial: 1,
    },
  };
  assert.deepEqual(s.backends.get('backend_name'), expected);
  assert.equal(s.defaultBackend, 'backend_name');
});

test('a backend with only a host gets Fastly defaults and no probe', () => {
  const s = compileVcl('backend F_a { .host = "a.test"; .dynamic = true; .share_key = "k"; }');
  const b = s.backends.get('F_a')!;
  assert.deepEqual(
    [b.port, b.ssl, b.sslCheckCert, b.connectTimeoutMs, b.firstByteTimeoutMs, b.betweenBytesTimeoutMs, b.maxConnections, b.hostHeader, b.alwaysUseHostHeader, b.probe],
    [80, false, true, 1000, 15000, 10000, 200, null, false, null],
  );
});

test('a backend without share_key takes the service id (what the API generator relies on)', () => {
  // The checker requires .share_key in VCL; the fallback is the compiler's own default.
  const { service } = compileUnchecked('backend F_a { .host = "a.test"; }');
  assert.equal(service.backends.get('F_a')?.shareKey, 'svc1');
});

test('TLS options: check never, versions, ciphers, CA, keepalive, prefer_ipv6', () => {
  const s = compileVcl(`backend F_t { .host = "t.test"; .dynamic = true; .share_key = "k"; .port = "8443"; .ssl = true; .ssl_check_cert = never;
    .min_tls_version = "1.2"; .max_tls_version = "1.3"; .ssl_ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
    .ssl_ca_cert = {"-----BEGIN CERTIFICATE-----
x
-----END CERTIFICATE-----"}; .keepalive_time = 30s; .prefer_ipv6 = true; }`);
  const b = s.backends.get('F_t')!;
  assert.deepEqual(
    [b.port, b.sslCheckCert, b.minTlsVersion, b.maxTlsVersion, b.sslCiphers, b.sslCaCert, b.keepaliveTimeMs, b.preferIpv6],
    [8443, false, '1.2', '1.3', 'ECDHE-RSA-AES128-GCM-SHA256', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----', 30000, true],
  );
});

test('probe defaults are Varnish 7.1\'s, with the default request built from .url and the host header', () => {
  const s = compileVcl('backend F_p { .host = "p.test"; .dynamic = true; .share_key = "k"; .host_header = "www.p.test"; .probe = { .url = "/health"; } }');
  assert.deepEqual(s.backends.get('F_p')?.probe, {
    dummy: false, request: ['GET /health HTTP/1.1', 'Host: www.p.test', 'Connection: close'], expectedResponse: 200,
    intervalMs: 5000, timeoutMs: 2000, window: 8, threshold: 3, initial: 2,
  });
});

test('the default probe request uses the host when there is no host header, and / when there is no url', () => {
  const s = compileVcl('backend F_p { .host = "p.test"; .dynamic = true; .share_key = "k"; .probe = { .interval = 1s; .expected_response = 204; } }');
  const p = s.backends.get('F_p')!.probe!;
  assert.deepEqual([p.request, p.intervalMs, p.expectedResponse], [['GET / HTTP/1.1', 'Host: p.test', 'Connection: close'], 1000, 204]);
});

test('.threshold alone gives window = threshold + 1 and initial = threshold - 1', () => {
  const s = compileVcl('backend F_p { .host = "p.test"; .dynamic = true; .share_key = "k"; .probe = { .threshold = 5; } }');
  const p = s.backends.get('F_p')!.probe!;
  assert.deepEqual([p.window, p.threshold, p.initial], [6, 5, 4]);
});

test('.initial above .threshold is clamped to the threshold', () => {
  const s = compileVcl('backend F_p { .host = "p.test"; .dynamic = true; .share_key = "k"; .probe = { .window = 10; .threshold = 4; .initial = 9; } }');
  const p = s.backends.get('F_p')!.probe!;
  assert.deepEqual([p.window, p.threshold, p.initial], [10, 4, 4]);
});

test('directors keep type, quorum, retries and members; retries default to the member count', () => {
  const s = compileVcl(`
backend F_a { .host = "a.test"; .dynamic = true; .share_key = "k"; }
backend F_b { .host = "b.test"; .dynamic = true; .share_key = "k"; }
director d_random random { .quorum = 50%; .retries = 2; { .backend = F_a; .weight = 3; } { .backend = F_b; .weight = 1; } }
director d_fallback fallback { { .backend = F_a; } { .backend = F_b; } }
director d_chash chash { .key = client; .seed = 42; .vnodes_per_node = 100; { .backend = F_a; .id = "a"; } { .backend = F_b; .id = "b"; } }
sub vcl_recv { set req.backend = d_random; }`);
  assert.deepEqual(s.directors.get('d_random'), {
    name: 'd_random', type: 'random', quorum: 50, retries: 2, members: [{ backend: 'F_a', weight: 3 }, { backend: 'F_b', weight: 1 }],
  });
  assert.deepEqual(s.directors.get('d_fallback'), {
    name: 'd_fallback', type: 'fallback', quorum: 0, retries: 2, members: [{ backend: 'F_a', weight: 1 }, { backend: 'F_b', weight: 1 }],
  });
  assert.deepEqual(s.directors.get('d_chash'), {
    name: 'd_chash', type: 'chash', quorum: 0, retries: 2, seed: 42, vnodesPerNode: 100, key: 'client',
    members: [{ backend: 'F_a', weight: 1, id: 'a' }, { backend: 'F_b', weight: 1, id: 'b' }],
  });
});

test('the default backend is the first declared, or the auto-load-balance director when there is one', () => {
  assert.equal(compileVcl('backend F_b { .host = "b.test"; .dynamic = true; .share_key = "k"; }\nbackend F_a { .host = "a.test"; .dynamic = true; .share_key = "k"; }').defaultBackend, 'F_b');
  const auto = compileVcl(`backend F_a { .host = "a.test"; .dynamic = true; .share_key = "k"; }
backend F_b { .host = "b.test"; .dynamic = true; .share_key = "k"; }
director autodirector_ random { { .backend = F_a; .weight = 100; } { .backend = F_b; .weight = 100; } }`);
  assert.equal(auto.defaultBackend, 'autodirector_');
});

test('a service without backends has no default backend', () => {
  assert.equal(compileVcl('sub vcl_recv { error 404; }').defaultBackend, null);
});

test('a property value of the wrong shape the checker did not see is an internal error at the property', () => {
  assert.deepEqual(compileUnchecked('backend F_a {\n  .host = "a.test";\n  .connect_timeout = "1s";\n}').errors, ['3:3 compile/internal']);
});
