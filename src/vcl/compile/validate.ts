// The control plane's validator: the same parse → check → compile path an edge worker runs,
// so a version that validates is a version every POP can run (DESIGN.md §1: one door).
import type { Diagnostic } from '../syntax/diagnostics.ts';
import { compileService } from './compile.ts';
import { parseWithIncludesFromMap } from '../syntax/include.ts';
import { parseSnippet } from '../syntax/snippet.ts';
import { check } from '../check/check.ts';

export interface ValidatedFile {
  readonly name: string;
  readonly content: string;
  readonly main: boolean;
}

export interface ValidateOptions {
  /**
   * Check the files as a fragment of a service (check/external.ts): names they use but do not
   * declare are info, and nothing is compiled (the rest of the service is not there to run).
   */
  readonly fragment?: boolean;
}

export function vclValidator(files: readonly ValidatedFile[], opts: ValidateOptions = {}): { diagnostics: readonly Diagnostic[]; backends: Array<{ name: string; shareKey: string }> } {
  const main = files.find((f) => f.main) ?? files[0];
  if (main === undefined) return { diagnostics: [], backends: [] };
  if (opts.fragment === true) {
    const snippet = parseSnippet(main.content, main.name);
    if (snippet !== null) return { diagnostics: [...snippet.diagnostics, ...check(snippet, { fragment: true })], backends: [] };
    const parsed = parseWithIncludesFromMap(main.name, new Map(files.map((f) => [f.name, f.content])));
    const diagnostics = [...parsed.diagnostics, ...check({ declarations: parsed.declarations, files: parsed.files }, { fragment: true })];
    return { diagnostics, backends: [] };
  }
  const { diagnostics, service } = compileService({
    serviceId: 'validate', version: 0, domains: [], main: main.name,
    settings: { defaultTtl: 3600, staleIfError: true, staleIfErrorTtl: 43_200 },
    files: files.map((f) => ({ name: f.name, content: f.content })),
  });
  const backends = [...service?.backends.values() ?? []].map((b) => ({ name: b.name, shareKey: b.shareKey }));
  return { diagnostics, backends };
}
