// The backend a request uses when nothing routes it elsewhere (no request condition matches and
// no VCL sets req.backend). Fastly's backend API reference: "By default, the first backend added
// to a service configuration will be used for all requests (provided it meets any conditions
// attached to it)", unless auto_loadbalance puts the backend in the automatic director.
// One rule, read by the generator (the `set req.backend` it writes), validate and the UIs.

/** What the rule needs of an API backend. */
export interface DefaultCandidate {
  readonly name: string;
  readonly auto_loadbalance?: boolean | null;
  /** A backend with a request condition serves only the requests its condition matches. */
  readonly request_condition?: string | null;
}

/**
 * The default among `backends`, given in the order they were added to the service; null when
 * there is none or when the automatic load-balancing director is the default instead.
 */
export function defaultBackendName(backends: readonly DefaultCandidate[]): string | null {
  if (backends.some((b) => b.auto_loadbalance === true && !conditioned(b))) return null;
  // Fastly's backend reference: "If there are no backends with conditions that match the request,
  // then the backend without any conditions is chosen." When every backend has a condition, the
  // first one still serves what none matches, as the edge does with no `set req.backend` at all.
  return (backends.find((b) => !conditioned(b)) ?? backends[0])?.name ?? null;
}

function conditioned(b: DefaultCandidate): boolean {
  return typeof b.request_condition === 'string' && b.request_condition !== '';
}
