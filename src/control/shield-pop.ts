// A backend's `shield` names a POP (DESIGN.md §4.4): it is checked against the POPs the fleet
// knows when the backend is created or updated. GET /datacenters lists the POPs with a live edge
// node now; a POP whose nodes are all down for the moment is still a valid name (its backends
// then fetch the origin directly until it is back), so the check reads every edge node the
// fleet's registry still keeps (FLEET_RETENTION: an hour after its last heartbeat).
import type { StoreTx } from '../store/index.ts';
import { ApiError } from './errors.ts';

/** How long after its last node was heard from a POP stays a valid shield name (the registry's retention). */
export const KNOWN_POP_MS = 3_600_000;

export async function checkShieldPop(tx: StoreTx, pop: string): Promise<void> {
  const known = new Set((await tx.listLiveNodes(KNOWN_POP_MS)).filter((n) => n.role !== 'control').map((n) => n.pop));
  if (known.has(pop)) return;
  const list = [...known].sort().join(', ');
  throw new ApiError('badRequest', `shield: must name a POP of this fleet (GET /datacenters); "${pop}" is not one${list === '' ? ' (the fleet has no edge node)' : ` (known: ${list})`}`);
}
