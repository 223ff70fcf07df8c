// API objects → Fastly VCL. DESIGN.md §1: typed API objects → VCL syntax tree → printed text;
// nothing from the API reaches the text except as a node the printer writes (one quoting
// rule, src/vcl/syntax/print.ts quoteString). The text produced here is exactly what runs: the edge
// compiles it like any user VCL, activation stores it with the version, and
// GET …/generated_vcl returns it unchanged.
//
// Custom VCL is the user's own text. Its `#FASTLY <phase>` lines are expanded at the text level,
// as Fastly's macro expansion does, with the phase's statements printed from the tree.
import type * as A from '../vcl/syntax/index.ts';
import { build as B, print, printStatements } from '../vcl/syntax/index.ts';
import { macroStatements, PHASES, type Phase } from '../vcl/language/index.ts';
import type {
  AclRecord, BackendRecord, CacheSettingsRecord, ConditionRecord, DictionaryRecord, DirectorRecord, GzipRecord, HeaderRecord, HealthcheckRecord,
  RequestSettingsRecord, ResponseObjectRecord, SettingsRecord, SnippetRecord, VclRecord,
} from './api/index.ts';
import { defaultBackendName } from './default-backend.ts';
import { autoDirector, backendDeclaration, directorDeclaration } from './generate-backend.ts';
import { initSnippetLines, liveDeclarations, phaseSnippetLines, snippetFiles } from './generate-live.ts';
import { objectCode } from './generate-objects.ts';
import { Problems, type GenerationProblem } from './generation-problems.ts';
import { AUTO_DIRECTOR, backendVclName, describeHolder, vclNameClash, vclNameOf, type NamedObject } from './vcl-names.ts';

export { AUTO_DIRECTOR, backendVclName, directorVclName } from './vcl-names.ts';
export type { GenerationProblem } from './generation-problems.ts';

export interface VclFile {
  readonly name: string;
  readonly content: string;
  readonly main: boolean;
}

export interface VersionConfig {
  readonly serviceId: string;
  readonly version: number;
  /** In the order they were added to the service: the first is the default backend. */
  readonly backends: readonly BackendRecord[];
  readonly healthchecks: readonly HealthcheckRecord[];
  readonly directors: readonly DirectorRecord[];
  readonly vcls: readonly VclRecord[];
  readonly settings: SettingsRecord;
  // The VCL service objects (./generate-objects.ts); absent: none.
  readonly conditions?: readonly ConditionRecord[];
  readonly headers?: readonly HeaderRecord[];
  readonly responseObjects?: readonly ResponseObjectRecord[];
  readonly requestSettings?: readonly RequestSettingsRecord[];
  readonly cacheSettings?: readonly CacheSettingsRecord[];
  readonly gzips?: readonly GzipRecord[];
  /** Snippets, dictionaries and ACLs (./generate-live.ts); none when absent. */
  readonly snippets?: readonly SnippetRecord[];
  readonly dictionaries?: readonly DictionaryRecord[];
  readonly acls?: readonly AclRecord[];
}

export interface GeneratedVcl {
  /** The main file first, then the custom VCL files it may include. */
  readonly files: readonly VclFile[];
  readonly problems: readonly GenerationProblem[];
  /**
   * When the main file is an uploaded custom VCL with lacquer's code around and inside it: for
   * each line of the main file, the line of the upload it is (1-based), or 0 for a line lacquer
   * wrote, so a diagnostic is reported where the user wrote it (src/control/validator.ts).
   * Null otherwise.
   */
  readonly mainLines: readonly number[] | null;
}

// The phases are the VCL language's (src/vcl/language/subroutines.ts), declared once.
export { PHASES };
export type PhaseCode = Readonly<Record<Phase, readonly A.Statement[]>>;

export const GENERATED_MAIN = 'generated.vcl';

export function generateVcl(config: VersionConfig): GeneratedVcl {
  const problems = new Problems();
  const healthchecks = new Map(config.healthchecks.map((h) => [h.name, h]));
  const declarations: A.Declaration[] = [];
  for (const b of config.backends) {
    const hc = b.healthcheck === null ? null : healthchecks.get(b.healthcheck) ?? null;
    if (b.healthcheck !== null && hc === null) {
      problems.add('unknown-healthcheck', `backend "${b.name}" uses healthcheck "${b.healthcheck}", which does not exist in this version`);
    }
    declarations.push(backendDeclaration(b, hc, config.serviceId, problems));
  }
  for (const d of config.directors) {
    if (d.backends.length === 0) problems.add('empty-director', `director "${d.name}" has no backends`);
    declarations.push(directorDeclaration(d, config.backends));
  }
  // Fastly: "all backends with this setting that don't have a request_condition" are balanced.
  const auto = config.backends.filter((b) => b.auto_loadbalance && b.request_condition === null);
  if (auto.length > 0) declarations.push(autoDirector(auto));
  declarations.push(...liveDeclarations(config.dictionaries ?? [], config.acls ?? []));
  reportNameClashes(config, problems);
  const snippets = config.snippets ?? [];

  const custom = config.vcls.filter((v) => v.main);
  if (config.vcls.length > 0 && custom.length === 0) problems.add('no-main-vcl', 'custom VCL is uploaded but none is marked main');
  const mainCustom = custom[0] ?? null;
  const name = mainCustom === null ? GENERATED_MAIN : mainCustom.name;
  const header = print(B.file(name, [], [
    B.lineComment(`Generated by lacquer from service ${config.serviceId} version ${config.version}.`),
    B.lineComment('This is exactly what runs; change the API objects to change it.'),
  ]));
  const decls = declarations.length === 0 ? '' : `${print(B.file(name, declarations))}\n`;
  const init = initSnippetLines(snippets);
  const inits = init.length === 0 ? '' : `${init.join('\n')}\n\n`;
  const body = mainCustom === null ? print(B.file(name, boilerplate())) : mainCustom.content;
  const prefix = `${header}\n${decls}${inits}`;
  const expanded = expandMacroLines(body, phaseCode(config, auto.length > 0, problems), phaseSnippetLines(snippets));
  const main: VclFile = { name, content: `${prefix}${expanded.text}`, main: true };
  const includes = [...config.vcls.filter((v) => v !== mainCustom).map((v) => ({ name: v.name, content: v.content, main: false })), ...snippetFiles(snippets)];
  const mainLines = mainCustom === null ? null : [...new Array<number>(lineCount(prefix) - 1).fill(0), ...expanded.lines];
  return { files: [main, ...includes], problems: problems.list, mainLines };
}

/** Lines of a text as SourceFile counts them (CR LF, CR and LF each end one). */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/**
 * Replaces each `#FASTLY <phase>` line with that phase's generated statements, printed and
 * indented like the line (Fastly's macro expansion, a text substitution before parsing).
 */
export function expandMacros(source: string, phases: PhaseCode): string {
  return expandMacroLines(source, phases).text;
}

/** expandMacros, and for each line of the result the source line it is (1-based), 0 for an expansion's. */
export function expandMacroLines(source: string, phases: PhaseCode, snippets: Partial<Record<Phase, readonly string[]>> = {}):
  { text: string; lines: number[] } {
  const parts = source.split(/(\r\n|\r|\n)/);
  const out: string[] = [];
  const lines: number[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i];
    const eol = parts[i + 1] ?? '';
    const m = /^([ \t]*)#FASTLY[ \t]+([A-Za-z]+)[ \t]*$/.exec(line);
    const phase = m?.[2].toLowerCase() as Phase | undefined;
    if (m === null || phase === undefined || !PHASES.includes(phase)) {
      out.push(line, eol);
      lines.push(i / 2 + 1);
      continue;
    }
    const indent = m[1];
    const code = printStatements(phases[phase]).map((l) => (l === '' ? l : `${indent}${l}`));
    // Snippet text is the author's VCL, kept as written (./generate-live.ts places it here).
    const expansion = [`${indent}#--FASTLY ${phase.toUpperCase()} BEGIN`, ...code, ...(snippets[phase] ?? []), `${indent}#--FASTLY ${phase.toUpperCase()} END`];
    out.push(expansion.join('\n'), eol);
    for (const _ of expansion) lines.push(0);
  }
  return { text: out.join(''), lines };
}

function phaseCode(config: VersionConfig, hasAuto: boolean, problems: Problems): PhaseCode {
  // What Fastly's own macro code declares comes first, so custom VCL after `#FASTLY <phase>` can
  // read it; only where custom VCL names it, since a local nothing reads would still cost every
  // request its frame and its assignment (vcl_recv runs on every hit).
  const named = (local: string): boolean =>
    config.vcls.some((v) => v.content.includes(local)) || (config.snippets ?? []).some((s) => s.content.includes(local));
  const code = Object.fromEntries(PHASES.map((p) => [p, macroStatements(p, named)])) as Record<Phase, A.Statement[]>;
  const first = defaultBackendName(config.backends);
  if (hasAuto) code.recv.push(B.set('req.backend', B.ident(AUTO_DIRECTOR)));
  else if (first !== null) code.recv.push(B.set('req.backend', B.ident(backendVclName(first))));
  // general.default_ttl applies when the origin says nothing about freshness (Fastly: "Default TTL").
  const absent = (header: string): A.Expression => B.not(B.ident(`beresp.http.${header}`));
  const silent = B.binary('&&', [absent('Cache-Control'), absent('Surrogate-Control'), absent('Expires')]);
  code.fetch.push(B.ifThen(silent, [B.set('beresp.ttl', B.rtime(config.settings['general.default_ttl'] * 1000))]));
  const objects = objectCode({
    backends: config.backends, conditions: config.conditions ?? [], headers: config.headers ?? [], responseObjects: config.responseObjects ?? [],
    requestSettings: config.requestSettings ?? [], cacheSettings: config.cacheSettings ?? [], gzips: config.gzips ?? [],
  }, problems);
  for (const p of PHASES) code[p].push(...objects[p]);
  // general.stale_if_error(_ttl) is not generated as `set beresp.stale_if_error`: that would
  // override the response's own stale-if-error and the no-cache/must-revalidate rule ("the
  // object's stale-if-error, or else the service's"). The edge's cache policy applies the
  // setting from the compiled service's settings, before vcl_fetch, where VCL can change it.
  return code;
}

// What Fastly's default VCL does around the macros: only GET and HEAD are cacheable, and
// the cache key is URL + Host (https://www.fastly.com/documentation/guides/vcl/using/).
const RETURNS: Readonly<Record<Phase, string | null>> = {
  recv: 'lookup', hash: 'hash', hit: 'deliver', miss: 'fetch', pass: 'pass', fetch: 'deliver', error: 'deliver', deliver: 'deliver', log: null,
};

/**
 * Fastly's boilerplate (GET …/boilerplate): the subroutines of a custom VCL that does what the
 * generated one does, a `#FASTLY <phase>` line in each, ready to upload and edit.
 */
export function boilerplateVcl(): string {
  return print(B.file('boilerplate.vcl', boilerplate()));
}

function boilerplate(): A.SubDeclaration[] {
  const method = (m: string): A.Expression => B.binary('!=', [B.ident('req.method'), B.str(m)]);
  const before: Partial<Record<Phase, A.Statement[]>> = {
    recv: [B.ifThen(B.binary('&&', [method('HEAD'), method('GET'), method('FASTLYPURGE')]), [B.returnAction('pass')])],
    hash: [B.set('req.hash', B.ident('req.url'), '+='), B.set('req.hash', B.ident('req.http.host'), '+=')],
  };
  return PHASES.map((p) => {
    const ret = RETURNS[p];
    return B.sub(`vcl_${p}`, [B.macro(p), ...(before[p] ?? []), ...(ret === null ? [] : [B.returnAction(ret)])]);
  });
}

/** Two objects with one VCL name: the API refuses them now, but older versions may hold them. */
function reportNameClashes(config: VersionConfig, problems: Problems): void {
  const all: NamedObject[] = [
    ...config.backends.map((b) => ({ kind: 'backend' as const, name: b.name })),
    ...config.directors.map((d) => ({ kind: 'director' as const, name: d.name })),
  ];
  all.forEach((o, i) => {
    const clash = vclNameClash(o, all.slice(0, i));
    if (clash !== null) {
      problems.add('duplicate-vcl-name', `${o.kind} "${o.name}" has the VCL name ${vclNameOf(o.kind, o.name)}, which ${describeHolder(clash)} already has`);
    }
  });
}
