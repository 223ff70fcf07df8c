// Names a program uses but does not declare, in the checker's two modes.
//
// Whole program (the default of `check`, and what activation runs): every backend, director,
// table, ACL, subroutine, ratecounter and penaltybox must be declared somewhere in the program,
// so an unknown name is an error.
//
// Fragment: one file of a service checked on its own, as Fastly checks a single uploaded custom
// VCL file or snippet against the rest of its service, where backends (`F_origin_0`),
// directors, dictionaries, ACLs and shared subroutines live in other files or come from the API
// (https://www.fastly.com/documentation/guides/full-site-delivery/custom-vcl/about-custom-vcl/,
// "Custom VCL" is one file of the service's VCL). A name used but not declared is then taken to
// be declared elsewhere, with the kind its use gives it (an argument of table.lookup() is a
// table, the right side of `client.ip ~ NAME` an ACL, `call NAME;` a subroutine, the value of
// `req.backend` a backend), and reported once per name as an info diagnostic, not an error.
import type { Diagnostic } from '../syntax/diagnostics.ts';
import type { SourceFile } from '../syntax/source.ts';
import * as C from './catalogue.ts';
import type { Ranged } from './catalogue.ts';

export type ExternalKind = 'backend' | 'director backend' | 'table backend' | 'acl' | 'table' | 'subroutine' | 'ratecounter' | 'penaltybox';

/** Reports a name used but not declared: an error in a whole program, info once per name in a fragment. */
export type Unresolved = (src: SourceFile, at: Ranged, kind: ExternalKind, name: string) => void;

function strictDiagnostic(src: SourceFile, at: Ranged, kind: ExternalKind, name: string): Diagnostic {
  switch (kind) {
    case 'backend': return C.unknownBackendRef(src, at, name);
    case 'table backend': return C.unknownBackendRef(src, at, name);
    case 'director backend': return C.directorUnknownBackend(src, at, name);
    case 'acl': return C.unknownAcl(src, at, name);
    case 'table': return C.unknownTable(src, at, name);
    case 'subroutine': return C.unknownSub(src, at, name);
    case 'ratecounter': case 'penaltybox': return C.unknownRateLimit(src, at, kind, name);
  }
}

/** The kind a fragment's info names: a director's or table's member is a backend like any other. */
const shownKind = (kind: ExternalKind): string => (kind.endsWith('backend') ? 'backend' : kind === 'acl' ? 'ACL' : kind);

export function unresolvedReporter(fragment: boolean, out: Diagnostic[]): Unresolved {
  if (!fragment) return (src, at, kind, name) => { out.push(strictDiagnostic(src, at, kind, name)); };
  const seen = new Set<string>();
  return (src, at, kind, name) => {
    const shown = shownKind(kind);
    const key = `${shown} ${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(C.external(src, at, shown, name));
  };
}
