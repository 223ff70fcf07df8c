// What a committed transaction announces to the fleet (src/store/store.ts: events reach
// listeners after the commit, once on every node).
// A purge crosses the fleet as plain data (src/edge/cache/purge.ts); only its type is used here.
import type { PurgeCommand } from '../edge/cache/purge.ts';
import type { HealthOverrideRow } from './health.ts';

/**
 * What the control plane announces to every edge node (DESIGN.md §1: published through the
 * Store). An activation event only says "look again": nodes read what is active now.
 */
export type StoreEvent =
  | { readonly type: 'activated'; readonly serviceId: string; readonly version: number }
  | { readonly type: 'deactivated'; readonly serviceId: string; readonly version: number }
  /** Every edge node applies it, then acknowledges it with `ackPurge` (DESIGN.md §4.6). */
  | { readonly type: 'purge'; readonly serviceId: string; readonly command: PurgeCommand }
  /** A POP's verdict on an identity flipped (its other nodes route by it). */
  | { readonly type: 'health'; readonly pop: string; readonly nodeId: string; readonly key: string; readonly healthy: boolean; readonly at: string }
  /** An operator overrode (or cleared the override of) one service's backend. */
  | { readonly type: 'health-admin'; readonly serviceId: string; readonly backend: string; readonly admin: HealthOverrideRow['admin']; readonly at: string }
  /** A TLS key, certificate or activation changed: every edge node reads its TlsMaterial again (`tlsMaterial()`). */
  | { readonly type: 'tls' }

  /** A dictionary's items changed (versionless): nodes read the dictionary's items again. */
  | { readonly type: 'dictionary'; readonly serviceId: string; readonly dictionaryId: string }
  /** An ACL's entries changed (versionless): nodes read the ACL's entries again. */
  | { readonly type: 'acl'; readonly serviceId: string; readonly aclId: string }
  /** A dynamic snippet's content changed: nodes rebuild the service from its stored VCL. */
  | { readonly type: 'snippet'; readonly serviceId: string; readonly snippetId: string };

/** An edge node applied a purge. */
export interface PurgeAck {
  readonly purgeId: string;
  readonly nodeId: string;
}

export interface StoreEvents {
  event: [StoreEvent];
  /** An `ackPurge` of any node was committed. */
  ack: [PurgeAck];
  /**
   * Events this node never saw may be gone (it was away longer than the events are kept): it
   * must reload everything, and cannot know which purges it missed.
   */
  resync: [];
}
