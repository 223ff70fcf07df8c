// What a change does to traffic, in an operator's words: which backend serves the requests
// nothing routes elsewhere, and what deleting a backend or a domain from a draft changes once
// the draft is activated. Each sentence follows what lacquer does:
// - the default backend is src/model/default-backend.ts's rule (validate's default_backend);
// - a director loses a deleted backend (src/control/api/resources.ts), an empty director and
//   custom VCL naming a missing backend are refused at activation (src/model/generate.ts, the
//   VCL checker);
// - a request whose service has no backend to fetch from gets Fastly's
//   "503 All backends failed or unhealthy" (src/edge/fetch.ts, src/edge/errors.ts);
// - the edge picks a service by the request's Host among active versions' domains and answers
//   any other host "404 Domain Not Found" (DESIGN.md §4.4, src/edge/pipeline.ts).
// Pure: the pages gather the facts.
import { defaultBackendName } from '../../model/default-backend.ts';
import { backendVclName } from '../../model/generate.ts';
import type { ApiObject } from './data.ts';

export const DEFAULT_MEANING = 'serves every request that nothing routes elsewhere (no director or custom VCL sends it to another backend)';
const NO_BACKEND = 'every request that is not answered from the cache gets "503 All backends failed or unhealthy"';

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const autoBalanced = (backends: readonly ApiObject[]): string[] => backends.filter((b) => b.auto_loadbalance === true).map((b) => b.name);

/** Which backend serves what nothing routes elsewhere, for the Backends and Activate pages. */
export function defaultBackendWords(defaultBackend: string | null, backends: readonly ApiObject[]): string {
  if (defaultBackend !== null) return `${defaultBackend} is the default backend: it ${DEFAULT_MEANING}.`;
  const auto = autoBalanced(backends);
  if (auto.length > 0) return `Requests that nothing routes elsewhere are spread over ${list(auto)} (automatic load balancing).`;
  return `There is no backend yet: ${NO_BACKEND}.`;
}

export interface BackendDeleteFacts {
  readonly name: string;
  /** The draft's backends in the order they were added (validate's backend_order): the order the default rule reads. */
  readonly backends: readonly ApiObject[];
  /** validate's default_backend for the draft. */
  readonly defaultBackend: string | null;
  readonly directors: readonly ApiObject[];
  /** `<file> line <n>: <text>` for each line of custom VCL (not the generated file) naming the backend. */
  readonly customUses: readonly string[];
}

/** The sentences of the delete confirmation for a backend of the draft. */
export function backendDeleteEffect(f: BackendDeleteFacts): string[] {
  const out = [`Delete backend "${f.name}" from the draft?`];
  const self = f.backends.find((b) => b.name === f.name);
  const rest = f.backends.filter((b) => b.name !== f.name);
  const balanced = f.defaultBackend === null && self?.auto_loadbalance === true;
  let reached = false;
  if (f.name === f.defaultBackend || balanced) {
    reached = true;
    out.push(f.name === f.defaultBackend
      ? `In this draft ${f.name} is the default backend: it ${DEFAULT_MEANING}.`
      : `In this draft ${f.name} shares the requests that nothing routes elsewhere with the other automatically load-balanced backends.`);
    const next = defaultBackendName(rest);
    const auto = autoBalanced(rest);
    if (next !== null) out.push(`Once this draft is activated, those requests go to ${next} instead.`);
    else if (auto.length > 0) out.push(`Once this draft is activated, those requests are spread over ${list(auto)} instead.`);
    else out.push(`It is the only backend: once this draft is activated, ${NO_BACKEND}.`);
  } else {
    out.push(`${f.name} is not the default backend: only requests that a director or custom VCL sends to it reach it.`);
  }
  for (const d of f.directors.filter((x) => ((x.backends as string[] | null) ?? []).includes(f.name))) {
    reached = true;
    const others = ((d.backends as string[] | null) ?? []).filter((n) => n !== f.name);
    out.push(others.length > 0
      ? `Director ${d.name} stops sending requests to it; ${list(others)} take${others.length === 1 ? 's' : ''} its share once the draft is activated.`
      : `Director ${d.name} is left with no backend, so activation is refused until it has one.`);
  }
  if (f.customUses.length > 0) {
    reached = true;
    out.push(`Custom VCL still names ${backendVclName(f.name)} (${f.customUses.join('; ')}), so the draft will not compile: activation is refused until that VCL stops naming it.`);
  }
  if (!reached) out.push('Nothing sends requests to it, so deleting it changes no traffic.');
  if (typeof self?.healthcheck === 'string') out.push('Its health check stops once the draft is activated.');
  return out;
}

export interface DomainDeleteFacts {
  readonly name: string;
  readonly draftDomains: readonly string[];
  /** The active version's domains; null when no version is active. */
  readonly activeDomains: readonly string[] | null;
}

/** The sentences of the delete confirmation for a domain of the draft. */
export function domainDeleteEffect(f: DomainDeleteFacts): string[] {
  const out = [`Delete domain ${f.name} from the draft?`];
  out.push((f.activeDomains ?? []).includes(f.name)
    ? `Requests for ${f.name} stop reaching this service once this draft is activated: the edge answers them "404 Domain Not Found" unless another service adds the domain.`
    : `${f.name} is not active yet, so deleting it changes no traffic today.`);
  if (f.draftDomains.every((d) => d === f.name)) out.push('It is the draft\'s only domain: once the draft is activated, no request reaches this service.');
  return out;
}

/** The warning for a version without a domain (the Activate page, the Domains page). */
export const NO_DOMAIN = 'This version has no domain, so no request reaches this service once it is active: the edge picks a service by the request\'s Host header and answers hosts that no active service has with "404 Domain Not Found".';
