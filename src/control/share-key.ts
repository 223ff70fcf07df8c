// Who may share whose probes. Backends with the same share_key and definition share one
// probe and its verdict in each POP (model/backend.ts probeIdentity), and an API backend's
// share_key defaults to its service's id (DESIGN.md §4.2): a share_key equal to another
// service's id joins that service's probes. Only a token that may write that service may do
// so. This is the one rule; the backend API (share_key on create and update) and activation
// (every backend of the compiled version, `.share_key` in custom VCL included) both call it.
import type { StoreTx, TokenRow } from '../store/index.ts';
import { may } from './auth.ts';
import { ApiError } from './errors.ts';

/** A backend as the compiled version declares it. */
export interface SharingBackend {
  readonly name: string;
  readonly shareKey: string;
}

/** Refuses (403) a share key that is another service's id, unless `token` may write that service. */
export async function checkShareKey(tx: StoreTx, token: TokenRow | null, serviceId: string, shareKey: string, field: string): Promise<void> {
  if (shareKey === serviceId) return;
  if (await tx.getService(shareKey) === null) return;
  if (token !== null && may(token, 'write', shareKey)) return;
  throw new ApiError('forbidden', `${field}: "${shareKey}" is another service's id; only a token that may write service ${shareKey} may share its probes`);
}

/** checkShareKey for every backend a version would run. */
export async function checkShareKeys(tx: StoreTx, token: TokenRow | null, serviceId: string, backends: readonly SharingBackend[]): Promise<void> {
  for (const b of backends) await checkShareKey(tx, token, serviceId, b.shareKey, `backend ${b.name}: .share_key`);
}
