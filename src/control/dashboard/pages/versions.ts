// Versions: the list with clone and a link to each version's activation review
// (pages/activate.ts), and each version's generated VCL shown read-only and highlighted.
import { apiPath } from '../api-client.ts';
import { Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { draftVersion, getService, type ServiceInfo, type VersionInfo } from '../data.ts';
import { highlightVcl } from '../highlight.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';

function state(v: VersionInfo, s: ServiceInfo): Html {
  if (v.active) return html`<span class="badge badge-ok"><span aria-hidden="true">●</span> Active</span>`;
  if (draftVersion(s)?.number === v.number) return html`<span class="badge badge-draft">Draft</span>`;
  return v.locked ? html`<span class="badge badge-none">Locked</span>` : html`<span class="badge badge-none">Editable</span>`;
}

function crumbs(s: ServiceInfo, last: string) {
  return [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'backends') }, { label: last }];
}

function cloneButton(ctx: Ctx, sid: string, v: number): Html {
  if (ctx.session.readOnly) return html``;
  return html`<form method="post" action="${serviceHref(sid, 'versions', String(v), 'clone')}" class="inline">
    ${csrfField(ctx.session)}<button type="submit" class="btn btn-small">Clone<span class="sr-only"> version ${v}</span></button></form>`;
}

/** Activation always goes through the review, which shows what would refuse it before the click. */
function reviewLink(ctx: Ctx, sid: string, v: number): Html {
  if (ctx.session.readOnly) return html``;
  return html`<a class="btn btn-small btn-primary" href="${serviceHref(sid, 'activate')}?version=${v}">Review and activate<span class="sr-only"> version ${v}</span></a>`;
}

async function versionsPage(ctx: Ctx): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const rows = [...s.versions].reverse().map((v) => html`<tr>
    <th scope="row"><a href="${serviceHref(s.id, 'versions', String(v.number))}">Version ${v.number}</a></th>
    <td data-label="State">${state(v, s)}</td>
    <td data-label="Comment">${v.comment === '' ? html`<span class="muted">—</span>` : v.comment}</td>
    <td data-label="Updated"><time datetime="${v.updated_at}">${v.updated_at.replace('T', ' ').replace('Z', ' UTC')}</time></td>
    <td data-label="Actions" class="actions"><div><a class="btn btn-small" href="${serviceHref(s.id, 'versions', String(v.number))}">View VCL<span class="sr-only"> of version ${v.number}</span></a>
      ${cloneButton(ctx, s.id, v.number)}
      ${v.active ? '' : reviewLink(ctx, s.id, v.number)}</div></td>
  </tr>`);
  return page({
    title: `${s.name} · Versions`, session: ctx.session, crumbs: crumbs(s, 'Versions'),
    body: html`<h1>${s.name}</h1>${serviceTabs(s.id, 'versions')}
    <section class="panel"><h2>Versions</h2><div class="table-wrap"><table class="table stack">
      <caption class="sr-only">Versions, newest first</caption>
      <thead><tr><th scope="col">Version</th><th scope="col">State</th><th scope="col">Comment</th><th scope="col">Updated</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${rows}</tbody></table></div></section>`,
  });
}

async function versionPage(ctx: Ctx): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const v = Number(ctx.params.v);
  const vcl = await ctx.api.get<{ name: string; content: string }>(apiPath('service', s.id, 'version', ctx.params.v, 'generated_vcl'));
  return page({
    title: `${s.name} · Version ${v}`, session: ctx.session, crumbs: crumbs(s, `Version ${v}`),
    body: html`<h1>${s.name}</h1>${serviceTabs(s.id, 'versions')}
    <section class="panel"><h2>Version ${v}: <code>${vcl.name}</code></h2>
      <p class="muted">Generated from this version's objects; this is exactly what runs when it is active. Read-only.</p>
      ${highlightVcl(vcl.content)}</section>`,
  });
}

export function registerVersions(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid/versions', versionsPage);
  route(env, 'GET', '/dashboard/services/:sid/versions/:v', versionPage);
  route(env, 'POST', '/dashboard/services/:sid/versions/:v/clone', async (ctx) => {
    const made = await ctx.api.call<VersionInfo>('PUT', apiPath('service', ctx.params.sid, 'version', ctx.params.v, 'clone'));
    ctx.session.flash = { kind: 'ok', text: `Cloned version ${ctx.params.v} into draft version ${made.number}.` };
    return new Redirect(serviceHref(ctx.params.sid, 'versions'));
  });
}
