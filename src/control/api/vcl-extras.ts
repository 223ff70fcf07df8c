// The VCL and domain routes Fastly's clients call around the objects themselves:
//   GET  /service/{sid}/version/{v}/boilerplate            the custom VCL template, text/plain
//   GET  /service/{sid}/version/{v}/vcl/{name}/content     a custom VCL file's text, text/plain
//   GET  /service/{sid}/version/{v}/vcl/{name}/download    the same as a file to save
//   GET  /service/{sid}/version/{v}/domain/check_all       each domain's DNS: [domain, cname, ok]
//   GET  /service/{sid}/version/{v}/domain/{name}/check    one domain's
//   POST /vcl_lint  {"vcl": …}                             lint a VCL text alone
//   POST /service/{sid}/lint  {"vcl": …}                   lint it as the main custom VCL of the service's newest version
// (https://www.fastly.com/documentation/reference/api/vcl-services/vcl/,
// https://www.fastly.com/documentation/reference/api/services/domain/). A lint answers as
// Fastly's validator does: {data: {type, id, attributes: {status, msg, errors, warnings, messages}}}.
import { lookup } from 'node:dns/promises';
import { domain, vcl } from '../../model/api/index.ts';
import { boilerplateVcl, generateVcl, type VclFile } from '../../model/generate.ts';
import { ApiError } from '../errors.ts';
import { objectBody } from '../present.ts';
import type { RouteTable } from '../routes.ts';
import { formatDiagnostic, type VclValidator } from '../validator.ts';
import { loadConfig } from '../version-vcl.ts';
import { parseVersionNumber, requireService, requireVersion } from '../versions.ts';
import type { ControlDeps } from './deps.ts';
import { bodyObject, text } from './live-common.ts';

/** How long one domain's DNS check may take before it counts as not set up. */
const DNS_TIMEOUT_MS = 2_000;

export function registerVclExtraRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store, validator } = deps;
  const base = '/service/:service_id/version/:version_id';

  routes.add({ method: 'GET', url: `${base}/boilerplate`, summary: 'The custom VCL template (#FASTLY macros in each subroutine)', tag: 'vcl', access: 'read' }, async ({ params, reply }) => {
    await store.transaction((tx) => requireVersion(tx, params.service_id, parseVersionNumber(params.version_id)));
    return reply.type('text/plain; charset=utf-8').send(boilerplateVcl());
  });

  const vclText = async (sid: string, rawVersion: string, name: string): Promise<string> => store.transaction(async (tx) => {
    const v = parseVersionNumber(rawVersion);
    await requireVersion(tx, sid, v);
    const row = await tx.getObject(sid, v, 'vcl', name);
    if (row === null) throw new ApiError('notFound', `Couldn't find vcl '${name}' in version ${v} of service '${sid}'`);
    return String(row.data.content ?? '');
  });
  routes.add({ method: 'GET', url: `${base}/vcl/:name/content`, summary: 'A custom VCL file\'s text', tag: vcl.kind, access: 'read' }, async ({ params, reply }) =>
    reply.type('text/plain; charset=utf-8').send(await vclText(params.service_id, params.version_id, params.name)));
  routes.add({ method: 'GET', url: `${base}/vcl/:name/download`, summary: 'A custom VCL file to save', tag: vcl.kind, access: 'read' }, async ({ params, reply }) => {
    const content = await vclText(params.service_id, params.version_id, params.name);
    // RFC 6266 §4.3: filename* carries any name; the plain filename a safe fallback.
    const fallback = params.name.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply.type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fallback}.vcl"; filename*=UTF-8''${encodeURIComponent(params.name)}.vcl`).send(content);
  });

  const domainRows = async (sid: string, rawVersion: string, only: string | null) => store.transaction(async (tx) => {
    const v = parseVersionNumber(rawVersion);
    await requireVersion(tx, sid, v);
    const rows = (await tx.listObjects(sid, v, 'domain')).filter((d) => only === null || d.name === only);
    if (only !== null && rows.length === 0) throw new ApiError('notFound', `Couldn't find domain '${only}' in version ${v} of service '${sid}'`);
    return rows;
  });
  routes.add({ method: 'GET', url: `${base}/domain/check_all`, summary: 'Each domain\'s DNS: [domain, CNAME, resolves]', tag: domain.kind, access: 'read' }, async ({ params }) =>
    Promise.all((await domainRows(params.service_id, params.version_id, null)).map(async (row) => [objectBody(domain, row), ...await checkDns(row.name)])));
  routes.add({ method: 'GET', url: `${base}/domain/:name/check`, summary: 'One domain\'s DNS: [domain, CNAME, resolves]', tag: domain.kind, access: 'read' }, async ({ params }) => {
    const [row] = await domainRows(params.service_id, params.version_id, params.name);
    return [objectBody(domain, row), ...await checkDns(row.name)];
  });

  routes.add({ method: 'POST', url: '/vcl_lint', summary: 'Lint a VCL text on its own', tag: vcl.kind, access: 'read', scoped: 'no-service-data' }, async ({ body }) =>
    lintBody(validator, [{ name: 'main.vcl', content: lintInput(body), main: true }]));
  routes.add({ method: 'POST', url: '/service/:service_id/lint', summary: 'Lint a VCL text as the main custom VCL of the service\'s newest version', tag: vcl.kind, access: 'read' }, async ({ params, body }) => {
    const content = lintInput(body);
    const files = await store.transaction(async (tx) => {
      await requireService(tx, params.service_id);
      const versions = await tx.listVersions(params.service_id);
      const config = await loadConfig(tx, params.service_id, versions[versions.length - 1].number);
      return generateVcl({ ...config, vcls: [{ name: 'main.vcl', content, main: true }] }).files;
    });
    return lintBody(validator, files);
  });
}

function lintInput(body: unknown): string {
  const content = text(bodyObject(body), 'vcl');
  if (content === undefined || content === '') throw new ApiError('badRequest', 'vcl: is required (the VCL text to lint)');
  if (content.length > 1_048_576) throw new ApiError('badRequest', 'vcl: must be text of at most 1048576 characters');
  return content;
}

function lintBody(validator: VclValidator, files: readonly VclFile[]): Record<string, unknown> {
  const { diagnostics } = validator(files);
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const warnings = diagnostics.filter((d) => d.severity !== 'error').map(formatDiagnostic);
  const ok = errors.length === 0;
  return {
    data: {
      type: 'validator_result', id: '',
      attributes: {
        status: ok ? 'ok' : 'error', msg: ok ? null : `${errors.length} error${errors.length === 1 ? '' : 's'}`, errors, warnings,
        messages: diagnostics.map((d) => ({ type: d.code, warning: d.severity !== 'error', message: formatDiagnostic(d), tokens: [] })),
      },
    },
  };
}

/**
 * lacquer's answer to "is this domain set up": whether the name resolves, through the host's
 * own resolver (getaddrinfo: the hosts file, then DNS). Fastly also reads the CNAME and checks
 * that it points at Fastly; lacquer cannot know which addresses front a self-hosted fleet, so
 * the CNAME is null and only "resolves" is said. A wildcard domain is no one name: false.
 */
async function checkDns(name: string): Promise<[string | null, boolean]> {
  if (name.startsWith('*.')) return [null, false];
  const addresses = await Promise.race([
    lookup(name, { all: true }).catch(() => []),
    new Promise<[]>((resolve) => { setTimeout(() => resolve([]), DNS_TIMEOUT_MS).unref(); }),
  ]);
  return [null, addresses.length > 0];
}
