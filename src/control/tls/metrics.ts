// The expiry of every uploaded certificate as a Prometheus gauge on /metrics:
// `lacquer_tls_certificate_not_after_seconds{certificate_id="…"}`, seconds since the epoch of
// its notAfter, read from the Store at each scrape, so an alert such as
// `lacquer_tls_certificate_not_after_seconds - time() < 30 * 86400` fires before it expires.
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../../store/index.ts';

export const TLS_EXPIRY_METRIC = 'lacquer_tls_certificate_not_after_seconds';

export function registerTlsExpiryGauge(registry: Registry, store: Store): Gauge<'certificate_id'> {
  return new Gauge({
    name: TLS_EXPIRY_METRIC,
    help: 'When each uploaded TLS certificate expires (its notAfter), in seconds since the epoch',
    labelNames: ['certificate_id'],
    registers: [registry],
    async collect() {
      const certificates = await store.transaction((tx) => tx.listTlsCertificates());
      // A deleted certificate's series goes with it.
      this.reset();
      for (const c of certificates) this.set({ certificate_id: c.id }, Math.floor(Date.parse(c.notAfter) / 1000));
    },
  });
}
