// What the primary hands its HTTPS listener (DESIGN.md §4.4): the TLS material of every active
// activation, read in one transaction. Call it at start and on every `tls` Store event; the
// material's generation tells a late answer from a newer one.
import type { TlsMaterial } from '../../model/tls.ts';
import type { Store } from '../../store/index.ts';

export function tlsMaterial(store: Store): Promise<TlsMaterial> {
  return store.transaction((tx) => tx.tlsMaterial());
}
