// Service → Provisioning → Backends: the working version's backends with their
// health in each POP, "shared with N services" (same probe identity in another service's
// health), delete with a confirmation naming the VCL that uses the backend, and the egress hint.
import { apiPath } from '../api-client.ts';
import { JsonAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import {
  activeVersion, backendVclName, draftVersion, egressRanges, getService, healthOf, listObjects, listServices, serviceHealth,
  validateVersion, workingVersion, type ApiObject, type HealthEntry, type ServiceInfo, type VersionInfo,
} from '../data.ts';
import { healthCell, healthKey, popHealth } from '../health-view.ts';
import { vclUses } from '../highlight.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';
import { backendDeleteEffect, defaultBackendWords } from '../traffic.ts';

/** identity → the services (id, name) whose active config has a backend with it. */
async function identities(ctx: Ctx, services: readonly ServiceInfo[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (const s of services) {
    for (const e of (await serviceHealth(ctx.api, s.id)) ?? []) {
      let owners = out.get(e.identity);
      if (owners === undefined) out.set(e.identity, (owners = new Map()));
      owners.set(s.id, s.name);
    }
  }
  return out;
}

/** The working version's VCL files: the generated main file and the custom ones. */
export async function versionVcl(ctx: Ctx, sid: string, version: number): Promise<Array<{ name: string; content: string }>> {
  const main = await ctx.api.get<{ name: string; content: string }>(apiPath('service', sid, 'version', version, 'generated_vcl'));
  const custom = await listObjects(ctx.api, sid, version, 'vcl');
  return [{ name: main.name, content: main.content }, ...custom.map((v) => ({ name: v.name, content: String(v.content ?? '') }))];
}

/** What the delete confirmations need to know about a version, read once per page. */
export interface DeleteContext {
  readonly backends: readonly ApiObject[];
  readonly defaultBackend: string | null;
  readonly directors: readonly ApiObject[];
  readonly custom: ReadonlyArray<{ name: string; content: string }>;
}

export async function deleteContext(ctx: Ctx, sid: string, version: number, backends?: readonly ApiObject[]): Promise<DeleteContext> {
  const [list, validation, directors, custom] = await Promise.all([
    backends ?? listObjects(ctx.api, sid, version, 'backend'), validateVersion(ctx.api, sid, version),
    listObjects(ctx.api, sid, version, 'director'), listObjects(ctx.api, sid, version, 'vcl'),
  ]);
  // The API lists backends by name; the default rule reads them in the order they were added.
  const position = new Map(validation.backend_order.map((name, i) => [name, i]));
  const inOrder = [...list].sort((a, b) => (position.get(a.name) ?? Infinity) - (position.get(b.name) ?? Infinity));
  return { backends: inOrder, defaultBackend: validation.default_backend, directors, custom: custom.map((v) => ({ name: v.name, content: String(v.content ?? '') })) };
}

/** The sentences of a backend's delete confirmation (traffic.ts); only custom VCL counts as "names it", not generated lines. */
export function deleteEffect(d: DeleteContext, name: string): string[] {
  return backendDeleteEffect({ name, backends: d.backends, defaultBackend: d.defaultBackend, directors: d.directors, customUses: vclUses(d.custom, backendVclName(name)) });
}

export function versionBanner(s: ServiceInfo, working: VersionInfo | null): Html {
  const active = activeVersion(s);
  const draft = draftVersion(s);
  if (working === null) return html``;
  if (draft !== null) {
    return html`<p class="banner banner-draft"><strong>Draft version ${draft.number}</strong> — not active yet${active === null ? '' : html` (version ${active.number} is active)`}.
      <a href="${serviceHref(s.id, 'activate')}">Review changes and activate</a></p>`;
  }
  if (active !== null) return html`<p class="banner">Showing <strong>active version ${active.number}</strong>. Saving a change clones it into a new draft first.</p>`;
  return html`<p class="banner">Showing <strong>version ${working.number}</strong> (locked). Saving a change clones it into a new draft first.</p>`;
}

function sharedCell(entries: readonly HealthEntry[], owners: Map<string, Map<string, string>>, sid: string): Html {
  const others = new Map<string, string>();
  for (const e of entries) for (const [id, name] of owners.get(e.identity) ?? []) if (id !== sid) others.set(id, name);
  if (others.size === 0) return html`<span class="muted">—</span>`;
  const names = [...others.values()].sort();
  return html`<span class="chip chip-shared" title="${names.join(', ')}">Shared with ${others.size} service${others.size === 1 ? '' : 's'}</span>
    <span class="sr-only">: ${names.join(', ')}</span>`;
}

function backendRow(ctx: Ctx, sid: string, b: ApiObject, hcs: readonly ApiObject[], health: HealthEntry[] | null,
  owners: Map<string, Map<string, string>>, deletes: DeleteContext): Html {
  const hc = hcs.find((h) => h.name === b.healthcheck) ?? null;
  const entries = healthOf(health, b.name);
  const edit = serviceHref(sid, 'backends', b.name, 'edit');
  return html`<tr data-backend="${backendVclName(b.name)}">
    <th scope="row"><a href="${edit}">${b.name}</a>${b.name === deletes.defaultBackend ? html` <span class="chip chip-default" title="Serves every request that nothing routes elsewhere">Default<span class="sr-only"> backend</span></span>` : ''}</th>
    <td data-label="IP / Origin" class="mono">${b.address}</td>
    <td data-label="SSL">${b.use_ssl === true ? html`<span class="chip chip-tls">TLS</span>` : 'No'}</td>
    <td data-label="Port" class="num">${b.port}</td>
    <td data-label="Health-check Host">${hc === null ? html`<span class="muted">no check</span>` : (hc.host ?? html`<span class="muted">backend's</span>`)}</td>
    <td data-label="Health-check URL" class="mono">${hc?.path ?? ''}</td>
    <td data-label="Expected status" class="num">${hc?.expected_response ?? ''}</td>
    <td data-label="Health" class="health-col"><div class="health-cells">${healthCell(entries, health !== null, false)}</div></td>
    <td data-label="Shared"><div>${sharedCell(entries, owners, sid)}</div></td>
    <td data-label="Actions" class="actions"><div>${ctx.session.readOnly ? html`<span class="muted">read-only</span>` : html`
      <a class="btn btn-small" href="${edit}">Edit<span class="sr-only"> ${b.name}</span></a>
      <form method="post" action="${serviceHref(sid, 'backends', b.name, 'delete')}" class="inline" data-confirm="${deleteEffect(deletes, b.name).join('\n')}">
        ${csrfField(ctx.session)}
        <button type="submit" class="btn btn-small btn-danger">Delete<span class="sr-only"> ${b.name}</span></button>
      </form>`}</div></td>
  </tr>`;
}

async function egressHint(ctx: Ctx): Promise<Html> {
  const ranges = await egressRanges(ctx.api);
  return html`<aside class="panel hint" aria-labelledby="egress-title">
    <h2 id="egress-title">Origin firewall</h2>
    <p>Your origins receive requests from these addresses; allow them in the origin's firewall:</p>
    ${ranges.length === 0 ? html`<p class="muted">This POP reports no egress addresses (set <code>--egress</code>).</p>`
      : html`<ul class="ranges">${ranges.map((r) => html`<li><code>${r}</code></li>`)}</ul>`}
    <p>The client's own address arrives in the <code>True-Client-IP</code> request header (any value the client sent is replaced), and is appended to <code>X-Forwarded-For</code>.</p>
  </aside>`;
}

async function backendsPage(ctx: Ctx): Promise<Html> {
  const sid = ctx.params.sid;
  const service = await getService(ctx.api, sid);
  const working = workingVersion(service);
  const backends = working === null ? [] : await listObjects(ctx.api, sid, working.number, 'backend');
  const hcs = working === null ? [] : await listObjects(ctx.api, sid, working.number, 'healthcheck');
  const health = await serviceHealth(ctx.api, sid);
  const owners = await identities(ctx, await listServices(ctx.api));
  const deletes: DeleteContext = working === null ? { backends, defaultBackend: null, directors: [], custom: [] } : await deleteContext(ctx, sid, working.number, backends);
  const domains = working === null ? [] : await listObjects(ctx.api, sid, working.number, 'domain');
  const rows = backends.map((b) => backendRow(ctx, sid, b, hcs, health, owners, deletes));
  return page({
    title: `${service.name} · Backends`, session: ctx.session, liveService: sid,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: service.name, href: serviceHref(sid, 'backends') }, { label: 'Provisioning' }, { label: 'Backends' }],
    body: html`<h1>${service.name}</h1>
    ${serviceTabs(sid, 'backends')}
    ${versionBanner(service, working)}
    ${working === null || domains.length > 0 ? '' : html`<p class="banner banner-draft" id="no-domain">This service has no domain yet, so no request reaches it. <a href="${serviceHref(sid, 'domains')}">Add a domain</a>.</p>`}
    <section class="panel" aria-labelledby="backends-title">
      <div class="panel-head"><h2 id="backends-title">Backends</h2>
        ${ctx.session.readOnly ? '' : html`<a class="btn btn-primary" href="${serviceHref(sid, 'backends', 'new')}">Add backend</a>`}</div>
      ${backends.length === 0 ? html`<p>No backends in this version yet.</p>` : html`<p id="default-backend">${defaultBackendWords(deletes.defaultBackend, backends)}</p><div class="table-wrap"><table class="table stack backends">
        <caption class="sr-only">Backends of version ${working?.number}</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">IP / Origin</th><th scope="col">SSL</th><th scope="col" class="num">Port</th>
          <th scope="col">Health-check Host</th><th scope="col">Health-check URL</th><th scope="col" class="num">Expected status</th>
          <th scope="col">Health per POP</th><th scope="col">Shared</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows}</tbody></table></div>`}
      <p class="muted small">Health is live: it changes here as probes flip, without reloading. Strip: the last 64 probes, oldest first; filled cells were good.</p>
    </section>
    ${await egressHint(ctx)}`,
  });
}

export function registerBackends(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid', async (ctx) => new Redirect(serviceHref(ctx.params.sid, 'backends')));
  route(env, 'GET', '/dashboard/services/:sid/backends', backendsPage);
  // The live script's refresh after a health event: each POP entry's fragment by its key.
  route(env, 'GET', '/dashboard/services/:sid/health', async (ctx) => {
    const health = (await serviceHealth(ctx.api, ctx.params.sid)) ?? [];
    return new JsonAnswer(Object.fromEntries(health.map((e) => [healthKey(e.name, e.pop), popHealth(e).text])));
  });
}
