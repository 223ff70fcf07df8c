// The Store is the only door to persistence, for the control plane and for the fleet's
// nodes. It is deliberately dumb: it keeps rows (services, versions, version-scoped objects,
// tokens, the fleet's nodes and purge acknowledgements) and runs a caller's function in one
// transaction; every rule (uniqueness messages, activation, who must confirm a purge) lives
// in src/control and src/process. That keeps the SQLite (one node) and the PostgreSQL (a
// fleet, DESIGN.md §4.6) implementations small and lets both run the one conformance suite
// in test/store/conformance.ts. src/store/README.md says how the two are laid out.
//
// Invariants every implementation keeps:
// - `transaction(fn)` commits every write made through `tx` when fn resolves, and none of
//   them when it rejects. Transactions are serializable: the outcome is that of running them
//   one after another (SQLite runs them so; PostgreSQL runs them at SERIALIZABLE and runs fn
//   again when it lost a conflict), so fn must have no effect outside `tx` — it may run more
//   than once — and must not call transaction again.
// - Events passed to `tx.publish` reach `events` listeners only after the commit, once on
//   every node of the fleet (on the node that committed them, before transaction resolves).
// - Timestamps are given by the caller (ISO 8601 strings), so stores never read the clock,
//   except a node's heartbeat and the fleet's ages (`heartbeatNode`, `listLiveNodes`,
//   `pruneFleet`, and when health rows were written: `ageMs`, `withinMs`, `pruneHealth`):
//   those use the store's own clock — PostgreSQL's — so that nodes on several hosts are all
//   measured by one clock.
// - Lists come back ordered: services by id creation order (created_at, id), versions by
//   number, objects by name (byte order).
// - Every object carries `seq`, the order in which objects were added to its service: an
//   insert takes the service's highest seq + 1, copyObjects copies it, replaceObject keeps it.
// - A version's stored VCL (`insertVersionVcl`) is written once and never changes.
import type { EventEmitter } from 'node:events';
// A purge crosses the fleet as plain data (src/edge/cache/purge.ts); only its type is used here.
import type { PurgeCommand } from '../edge/cache/purge.ts';
import type { TlsMaterial } from '../model/tls.ts';

/** The kinds of object that live inside a service version. */
export const OBJECT_KINDS = [
  'backend', 'healthcheck', 'director', 'domain', 'vcl', 'settings',
  'condition', 'header', 'response_object', 'request_settings', 'cache_settings', 'gzip',
  'snippet', 'dictionary', 'acl',
  'logging_syslog', 'logging_papertrail', 'logging_https', 'logging_s3', 'logging_datadog', 'logging_splunk', 'logging_newrelic',
  'logging_honeycomb', 'logging_elasticsearch', 'logging_sumologic', 'logging_loggly',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface ServiceRow {
  readonly id: string;
  readonly name: string;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface VersionRow {
  readonly serviceId: string;
  readonly number: number;
  readonly active: boolean;
  readonly locked: boolean;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A version-scoped object; `data` is the normalised API record (JSON-serialisable). */
export interface ObjectRow {
  readonly serviceId: string;
  readonly version: number;
  readonly kind: ObjectKind;
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When it was added among its service's objects (larger: later); given by the store. */
  readonly seq: number;
}

/** An object as a caller writes it: the store gives `seq`. */
export type NewObjectRow = Omit<ObjectRow, 'seq'> & { readonly seq?: number };

/** One file of a version's VCL as activation compiled it. */
export interface VclFileRow {
  readonly name: string;
  readonly content: string;
  readonly main: boolean;
}

/** The VCL a version was activated with (DESIGN.md §1), stored once. */
export interface StoredVcl {
  /** The main file first. */
  readonly files: readonly VclFileRow[];
  readonly storedAt: string;
}

export interface TokenRow {
  readonly id: string;
  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  readonly hash: string;
  readonly name: string | null;
  /** null: every service. */
  readonly serviceId: string | null;
  readonly readOnly: boolean;
  readonly createdAt: string;
}

/**
 * One item of a dictionary (versionless: DESIGN.md §1). It belongs to the dictionary's id,
 * which every version holding the dictionary shares.
 */
export interface DictionaryItemRow {
  readonly serviceId: string;
  readonly dictionaryId: string;
  readonly key: string;
  readonly value: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One entry of an ACL (versionless), by the ACL's id. `subnet` null: the address alone. */
export interface AclEntryRow {
  readonly serviceId: string;
  readonly aclId: string;
  readonly id: string;
  readonly ip: string;
  readonly subnet: number | null;
  readonly negated: boolean;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The live content of a dynamic snippet, by the snippet's id. */
export interface DynamicSnippetRow {
  readonly serviceId: string;
  readonly snippetId: string;
  readonly content: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * One POP's health of one probe identity, written by the node of that POP that probes it
 * (DESIGN.md §4.6: each POP "writes flips and a summary"). `key` names the identity
 * (src/health/summary.ts identityKey); `healthy` is the probe's verdict, before any override.
 * `lastChange` is the prober's own clock (shown as is); when a row was written is the store's.
 */
export interface HealthStateRow {
  readonly pop: string;
  readonly key: string;
  readonly nodeId: string;
  readonly healthy: boolean;
  readonly good: number;
  readonly window: number;
  readonly threshold: number;
  readonly intervalMs: number;
  /** The eight history registers, 16 hex digits each. */
  readonly registers: string;
  readonly avgRttMs: number;
  readonly rate: number;
  readonly lastResponse: string;
  readonly lastChange: string;
}

/** A row with how long ago, by the store's clock, it was written. */
export interface StoredHealthState extends HealthStateRow {
  readonly ageMs: number;
}

/**
 * A node's periodic summary of what it probes for its POP. Its age, by the store's clock, is
 * what makes the POP's entries stale (DESIGN.md §4.6).
 */
export interface HealthSummaryRow {
  readonly pop: string;
  readonly nodeId: string;
  /** Identities the node probes, and how many of them are sick. */
  readonly probing: number;
  readonly sick: number;
}

export interface StoredHealthSummary extends HealthSummaryRow {
  readonly ageMs: number;
}

/** A flip of one identity's verdict in one POP, at the prober's time. */
export interface HealthFlipRow {
  readonly pop: string;
  readonly key: string;
  readonly nodeId: string;
  readonly healthy: boolean;
  readonly at: string;
}

/** An operator's override of one service's backend, fleet-wide; `auto` rows say it was cleared. */
export interface HealthOverrideRow {
  readonly serviceId: string;
  /** The backend's VCL name. */
  readonly backend: string;
  readonly admin: 'auto' | 'healthy' | 'sick';
  /** When the operator set it (the API node's clock): of two, the later wins. */
  readonly at: string;
}

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

export const NODE_ROLES = ['all', 'edge', 'control'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** A node of the fleet as it registers itself (DESIGN.md §4.6). */
export interface NodeRow {
  readonly id: string;
  readonly role: NodeRole;
  readonly pop: string;
  /** Where the rest of the fleet reaches this node's edge (`--node-url`). */
  readonly url: string;
  readonly startedAt: string;
  /**
   * An edge node's cache members: one URL per edge worker's cluster listener (DESIGN.md §4.4,
   * clustering). Absent when it has none (a control node, or an edge not yet listening).
   */
  readonly members?: readonly string[];
}

/** A node with how long ago, by the store's clock, its last heartbeat was. */
export interface LiveNodeRow extends NodeRow {
  readonly ageMs: number;
}

/** How long the fleet's bookkeeping is kept (`pruneFleet`). */
export interface FleetRetention {
  /** Nodes not heard from for longer are forgotten. */
  readonly nodesMs: number;
  /** Purge acknowledgements older than this go. */
  readonly acksMs: number;
  /** Events older than this go; a node that had not read them must resync. */
  readonly eventsMs: number;
}

/** A private key uploaded to /tls/private_keys (account-level). `keyPem` never leaves the server. */
export interface TlsPrivateKeyRow {
  readonly id: string;
  readonly name: string;
  readonly keyPem: string;
  readonly keyType: 'RSA' | 'ECDSA';
  readonly keyLength: number;
  /** Hex SHA-1 of the DER SubjectPublicKeyInfo; unique among keys. */
  readonly publicKeySha1: string;
  readonly createdAt: string;
}

/** A certificate uploaded to /tls/certificates: the leaf then its intermediates, and what the API shows of it. */
export interface TlsCertificateRow {
  readonly id: string;
  readonly name: string;
  readonly certPem: string;
  /** Of the leaf's public key: the private key it needs (TlsPrivateKeyRow.publicKeySha1). */
  readonly publicKeySha1: string;
  readonly issuedTo: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly signatureAlgorithm: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** DNS Subject Alternative Names, in the certificate's order. */
  readonly domains: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A domain served over HTTPS with a certificate (/tls/activations); the domain is unique. */
export interface TlsActivationRow {
  readonly id: string;
  readonly domain: string;
  readonly certificateId: string;
  readonly configurationId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ServicePatch = Partial<Pick<ServiceRow, 'name' | 'comment' | 'updatedAt'>>;
export type VersionPatch = Partial<Pick<VersionRow, 'active' | 'locked' | 'comment' | 'updatedAt'>>;

export interface StoreTx {
  insertService(row: ServiceRow): Promise<void>;
  getService(id: string): Promise<ServiceRow | null>;
  listServices(): Promise<ServiceRow[]>;
  updateService(id: string, patch: ServicePatch): Promise<void>;
  /** Removes the service with its versions, objects, live data and health overrides. */
  deleteService(id: string): Promise<void>;

  insertVersion(row: VersionRow): Promise<void>;
  getVersion(serviceId: string, number: number): Promise<VersionRow | null>;
  listVersions(serviceId: string): Promise<VersionRow[]>;
  updateVersion(serviceId: string, number: number, patch: VersionPatch): Promise<void>;

  listObjects(serviceId: string, version: number, kind: ObjectKind): Promise<ObjectRow[]>;
  getObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<ObjectRow | null>;
  /** Throws StoreConflictError when (service, version, kind, name) exists. Any `seq` given is ignored. */
  insertObject(row: NewObjectRow): Promise<void>;
  /** Replaces the object named `name` by `row` (whose name may differ: a rename), keeping its seq. */
  replaceObject(name: string, row: NewObjectRow): Promise<void>;
  deleteObject(serviceId: string, version: number, kind: ObjectKind, name: string): Promise<void>;
  /** Copies every object of version `from` into version `to` with its seq, stamping `at` as their times. */
  copyObjects(serviceId: string, from: number, to: number, at: string): Promise<void>;
  /** The VCL stored with a version, or null when none is. */
  getVersionVcl(serviceId: string, version: number): Promise<StoredVcl | null>;
  /** Stores a version's VCL; a version that already has one keeps it (the first stored wins). */
  insertVersionVcl(serviceId: string, version: number, vcl: StoredVcl): Promise<void>;
  /** Services (other than none) whose active version has a domain object named `domain`. */
  servicesWithActiveDomain(domain: string): Promise<string[]>;

  /** A dictionary's items by key (byte order). */
  listDictionaryItems(serviceId: string, dictionaryId: string): Promise<DictionaryItemRow[]>;
  getDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<DictionaryItemRow | null>;
  /** Inserts or replaces the item by (service, dictionary, key). */
  putDictionaryItem(row: DictionaryItemRow): Promise<void>;
  deleteDictionaryItem(serviceId: string, dictionaryId: string, key: string): Promise<void>;
  /** An ACL's entries by id (byte order). */
  listAclEntries(serviceId: string, aclId: string): Promise<AclEntryRow[]>;
  getAclEntry(serviceId: string, aclId: string, id: string): Promise<AclEntryRow | null>;
  /** Inserts or replaces the entry by (service, ACL, id). */
  putAclEntry(row: AclEntryRow): Promise<void>;
  deleteAclEntry(serviceId: string, aclId: string, id: string): Promise<void>;
  getDynamicSnippet(serviceId: string, snippetId: string): Promise<DynamicSnippetRow | null>;
  /** Inserts or replaces the content by (service, snippet id). */
  putDynamicSnippet(row: DynamicSnippetRow): Promise<void>;

  insertToken(row: TokenRow): Promise<void>;
  getTokenByHash(hash: string): Promise<TokenRow | null>;
  listTokens(): Promise<TokenRow[]>;
  deleteToken(id: string): Promise<void>;

  /** Inserts or replaces each row by (pop, key), written now by the store's clock. */
  upsertHealthStates(rows: readonly HealthStateRow[]): Promise<void>;
  /**
   * Rows by pop and key (byte order); only the given POP, keys, rows written within the last
   * `withinMs` (store's clock), or rows not written by node `notBy`.
   */
  listHealthStates(filter: {
    readonly pop?: string; readonly keys?: readonly string[]; readonly withinMs?: number; readonly notBy?: string;
  }): Promise<StoredHealthState[]>;
  /** Inserts or replaces the node's summary by (pop, nodeId), written now by the store's clock. */
  upsertHealthSummary(row: HealthSummaryRow): Promise<void>;
  /** Every summary, by pop and node. */
  listHealthSummaries(): Promise<StoredHealthSummary[]>;
  insertHealthFlip(row: HealthFlipRow): Promise<void>;
  /** Flips in the order they were written; only the given POP, or written within the last `withinMs`. */
  listHealthFlips(filter: { readonly pop?: string; readonly withinMs?: number }): Promise<HealthFlipRow[]>;
  /** Removes the summaries, flips and states written more than `olderThanMs` ago (store's clock), and overrides cleared (`auto`) that long ago. */
  pruneHealth(olderThanMs: number): Promise<void>;
  /** Inserts or replaces the override by (serviceId, backend). */
  setHealthOverride(row: HealthOverrideRow): Promise<void>;
  /** Overrides by service and backend; only one service's, or those written within the last `withinMs`. */
  listHealthOverrides(filter: { readonly serviceId?: string; readonly withinMs?: number }): Promise<HealthOverrideRow[]>;

  /**
   * Registers a node, or refreshes it: its last heartbeat becomes now, by the store's clock. A
   * row without `members` keeps the members registered before (several parts of a node beat).
   */
  heartbeatNode(row: NodeRow): Promise<void>;
  /** Nodes heard from within the last `withinMs`, by POP then id. */
  listLiveNodes(withinMs: number): Promise<LiveNodeRow[]>;
  deleteNode(id: string): Promise<void>;
  /** Records that a node applied a purge (once; again is a no-op) and announces it as an `ack` after the commit. */
  ackPurge(ack: PurgeAck): Promise<void>;
  /** The nodes that acknowledged a purge, by id. */
  listPurgeAcks(purgeId: string): Promise<string[]>;
  /** Forgets nodes, acknowledgements and events older than `retention` says. */
  pruneFleet(retention: FleetRetention): Promise<void>;
  /**
   * The fleet's shared secret: `candidate` becomes it when the fleet has none yet; whatever is
   * stored is returned, the same on every node (a hop between fleet nodes is signed with it).
   */
  fleetSecret(candidate: string): Promise<string>;

  // TLS (account-level). Every write raises the TLS generation by one within the transaction.
  /** Throws StoreConflictError when the id or the public key is taken. */
  insertTlsPrivateKey(row: TlsPrivateKeyRow): Promise<void>;
  /** By created_at, then id. */
  listTlsPrivateKeys(): Promise<TlsPrivateKeyRow[]>;
  deleteTlsPrivateKey(id: string): Promise<void>;
  insertTlsCertificate(row: TlsCertificateRow): Promise<void>;
  /** Replaces the certificate with `row.id` (keeps created_at as given in row). */
  replaceTlsCertificate(row: TlsCertificateRow): Promise<void>;
  /** By created_at, then id. */
  listTlsCertificates(): Promise<TlsCertificateRow[]>;
  deleteTlsCertificate(id: string): Promise<void>;
  /** Throws StoreConflictError when the id or the domain is taken. */
  insertTlsActivation(row: TlsActivationRow): Promise<void>;
  /** Replaces the activation with `row.id`. */
  replaceTlsActivation(row: TlsActivationRow): Promise<void>;
  /** By domain (byte order). */
  listTlsActivations(): Promise<TlsActivationRow[]>;
  deleteTlsActivation(id: string): Promise<void>;
  /**
   * What the HTTPS listener serves (src/model/tls.ts): each activation with its certificate and
   * the private key matching it, by domain (byte order); `generation` is the TLS generation.
   */
  tlsMaterial(): Promise<TlsMaterial>;

  /** Queue an event for `events` listeners of every node once this transaction commits. */
  publish(event: StoreEvent): void;
}

export interface Store {
  readonly events: EventEmitter<StoreEvents>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The database cannot be reached (refused, gone mid-transaction, shutting down). Whether a
 * transaction that failed so committed is unknown only when the connection broke during COMMIT.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A transaction kept losing to concurrent transactions on the same rows (PostgreSQL's
 * serialization failures) and was given up after several attempts; nothing of it was written.
 */
export class StoreContentionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreContentionError';
  }
}

/** A uniqueness constraint was violated; carries what collided so callers can say so. */
export class StoreConflictError extends Error {
  readonly what: string;
  constructor(what: string, options?: { cause?: unknown }) {
    super(`duplicate ${what}`, options);
    this.name = 'StoreConflictError';
    this.what = what;
  }
}
