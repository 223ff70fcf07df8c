// Dynamic snippets: a snippet created with `dynamic=1` keeps its content outside the version,
// changed at GET|PUT /service/{sid}/snippet/{id} without a new version
// (https://www.fastly.com/documentation/reference/api/vcl-services/snippet/). A new content is
// compiled with the version that runs it (the active one when it holds the snippet, else the
// newest that does) before it is stored: one that does not compile is refused with 400 and
// the diagnostics, nothing is stored, and the edge keeps running the last good one. A stored
// change publishes a `snippet` event: every edge node builds the service again from its stored
// VCL with the new content (src/process/publisher.ts), without an activation.
import { snippet } from '../../model/api/index.ts';
import { ApiError } from '../errors.ts';
import { findSnippet, type FoundSnippet } from '../live-vcl.ts';
import type { StoreTx } from '../../store/index.ts';
import type { RouteTable } from '../routes.ts';
import { now, validateVersion } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { bodyObject, text } from './live-common.ts';
import { formatDiagnostic, type VclValidator } from '../validator.ts';

const MAX_CONTENT = 1_048_576;

export function registerDynamicSnippetRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store, validator } = deps;
  const url = '/service/:service_id/snippet/:snippet_id';

  const load = async (tx: StoreTx, sid: string, id: string): Promise<FoundSnippet> => {
    const active = (await tx.listVersions(sid)).find((v) => v.active)?.number ?? null;
    const found = await findSnippet(tx, sid, id, active);
    if (found === null) throw new ApiError('notFound', `Couldn't find snippet '${id}' in service '${sid}'`);
    if (found.record.dynamic !== 1) {
      throw new ApiError('badRequest', `snippet '${found.record.name}' is not dynamic (dynamic=0): its content changes in a new version, at /service/${sid}/version/{version}/snippet/${found.record.name}`);
    }
    return found;
  };
  const body = (sid: string, found: FoundSnippet, content: string, updatedAt: string): Record<string, unknown> => ({
    service_id: sid, id: found.record.id, name: found.record.name, type: found.record.type, content,
    priority: String(found.record.priority), dynamic: '1', version: found.version,
    created_at: found.createdAt, updated_at: updatedAt, deleted_at: null,
  });

  routes.add({ method: 'GET', url, summary: 'Describe a dynamic snippet with its live content', tag: snippet.kind, access: 'read' }, async ({ params }) =>
    store.transaction(async (tx) => {
      const found = await load(tx, params.service_id, params.snippet_id);
      const live = await tx.getDynamicSnippet(params.service_id, params.snippet_id);
      return body(params.service_id, found, live?.content ?? '', live?.updatedAt ?? found.updatedAt);
    }));

  routes.add({ method: 'PUT', url, summary: 'Change a dynamic snippet\'s content live (compiled first)', tag: snippet.kind, access: 'write' }, async ({ params, body: input }) => {
    const content = text(bodyObject(input), 'content');
    if (content === undefined) throw new ApiError('badRequest', 'content: is required');
    if (content.length > MAX_CONTENT) throw new ApiError('badRequest', `content: must be text of at most ${MAX_CONTENT} characters`);
    return store.transaction(async (tx) => {
      const sid = params.service_id;
      const found = await load(tx, sid, params.snippet_id);
      const result = await validateVersion(tx, sid, found.version, validator, { snippetId: params.snippet_id, content });
      if (result.errors.length > 0) {
        throw new ApiError('badRequest', `content: version ${found.version} does not compile with it: ${result.errors.join('; ')}`, { errors: result.errors });
      }
      // A snippet whose type's #FASTLY line the version lacks (a custom main VCL without it)
      // is compiled nowhere yet; its syntax is still checked, so it cannot break a later version.
      const syntax = syntaxErrors(validator, found.record.type, content);
      if (syntax.length > 0) throw new ApiError('badRequest', `content: ${syntax.join('; ')}`, { errors: syntax });
      const at = now();
      const previous = await tx.getDynamicSnippet(sid, params.snippet_id);
      await tx.putDynamicSnippet({ serviceId: sid, snippetId: params.snippet_id, content, createdAt: previous?.createdAt ?? at, updatedAt: at });
      tx.publish({ type: 'snippet', serviceId: sid, snippetId: params.snippet_id });
      return body(sid, found, content, at);
    });
  });
}

/** The lexer's and parser's errors in a snippet's content, where its type puts it: a subroutine's body, or the top level for `init`. */
function syntaxErrors(validator: VclValidator, type: string, content: string): string[] {
  const text = type === 'init' ? content : `sub vcl_${type === 'none' ? 'recv' : type} {\n${content}\n}\n`;
  return validator([{ name: 'snippet', content: text, main: true }]).diagnostics
    .filter((d) => d.severity === 'error' && (d.code.startsWith('lex/') || d.code.startsWith('parse/')))
    .map((d) => formatDiagnostic(type === 'init' ? d : { ...d, line: d.line - 1 }));
}
