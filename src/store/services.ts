// A service's configuration as the Store keeps it (DESIGN.md §1): the service, its versions,
// the objects each version holds, and the VCL a version was activated with. src/control owns
// every rule about them (names, activation, locking); these are the rows.

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

export type ServicePatch = Partial<Pick<ServiceRow, 'name' | 'comment' | 'updatedAt'>>;
export type VersionPatch = Partial<Pick<VersionRow, 'active' | 'locked' | 'comment' | 'updatedAt'>>;

/** The services, versions, objects and stored VCL a transaction reads and writes. */
export interface ServiceRows {
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
}
