// Versions (issue 7 §1): the list with clone and activate, each version's generated VCL shown
// read-only and highlighted, and the Activate page: what the draft changes in the backends
// (added, changed, removed) and, when activation is refused, the VCL diagnostics.
import { apiPath, ApiFailure } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { activeVersion, draftVersion, getService, listObjects, type ServiceInfo, type VersionInfo } from '../data.ts';
import { diffBackends, isEmptyDiff, type BackendDiff, type VersionObjects } from '../diff.ts';
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

function actionButton(ctx: Ctx, sid: string, v: number, verb: 'clone' | 'activate', label: string, confirm: string | null): Html {
  if (ctx.session.readOnly) return html``;
  return html`<form method="post" action="${serviceHref(sid, 'versions', String(v), verb)}" class="inline"${confirm === null ? '' : html` data-confirm="${confirm}"`}>
    ${csrfField(ctx.session)}<input type="hidden" name="confirm" value="yes"><button type="submit" class="btn btn-small${verb === 'activate' ? ' btn-primary' : ''}">${label}<span class="sr-only"> version ${v}</span></button></form>`;
}

async function versionsPage(ctx: Ctx): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const rows = [...s.versions].reverse().map((v) => html`<tr>
    <th scope="row"><a href="${serviceHref(s.id, 'versions', String(v.number))}">Version ${v.number}</a></th>
    <td data-label="State">${state(v, s)}</td>
    <td data-label="Comment">${v.comment === '' ? html`<span class="muted">—</span>` : v.comment}</td>
    <td data-label="Updated"><time datetime="${v.updated_at}">${v.updated_at.replace('T', ' ').replace('Z', ' UTC')}</time></td>
    <td data-label="Actions" class="actions"><div><a class="btn btn-small" href="${serviceHref(s.id, 'versions', String(v.number))}">View VCL<span class="sr-only"> of version ${v.number}</span></a>
      ${actionButton(ctx, s.id, v.number, 'clone', 'Clone', null)}
      ${v.active ? '' : actionButton(ctx, s.id, v.number, 'activate', 'Activate', `Activate version ${v.number} of ${s.name}? It replaces the active version in every POP.`)}</div></td>
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

async function objects(ctx: Ctx, sid: string, v: number): Promise<VersionObjects> {
  return { backends: await listObjects(ctx.api, sid, v, 'backend'), healthchecks: await listObjects(ctx.api, sid, v, 'healthcheck') };
}

const show = (value: unknown): string => (value === null || value === undefined ? 'unset' : typeof value === 'string' ? value : JSON.stringify(value));

function diffView(d: BackendDiff): Html {
  if (isEmptyDiff(d)) return html`<p>No backend changes: activating only changes other settings, if any.</p>`;
  return html`<ul class="diff">
    ${d.added.map((n) => html`<li class="diff-added"><span class="diff-tag">Added</span> <strong>${n}</strong></li>`)}
    ${d.changed.map((c) => html`<li class="diff-changed"><span class="diff-tag">Changed</span> <strong>${c.name}</strong>
      <table class="table changes"><caption class="sr-only">Changes to ${c.name}</caption><thead><tr><th scope="col">Field</th><th scope="col">Active</th><th scope="col">Draft</th></tr></thead>
      <tbody>${c.changes.map((x) => html`<tr><th scope="row" class="mono">${x.field}</th><td class="mono"><del>${show(x.from)}</del></td><td class="mono"><ins>${show(x.to)}</ins></td></tr>`)}</tbody></table></li>`)}
    ${d.removed.map((n) => html`<li class="diff-removed"><span class="diff-tag">Removed</span> <strong>${n}</strong></li>`)}
  </ul>`;
}

async function activatePage(ctx: Ctx, refused: ApiFailure | null = null): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const draft = draftVersion(s);
  const active = activeVersion(s);
  let body: Html;
  if (draft === null) {
    body = html`<p>There is no draft to activate${active === null ? '' : html`: version ${active.number} is active and unchanged`}. Edit a backend to start one.</p>`;
  } else {
    const diff = diffBackends(active === null ? null : await objects(ctx, s.id, active.number), await objects(ctx, s.id, draft.number));
    const validation = await ctx.api.get<{ status: string; warnings: string[] }>(apiPath('service', s.id, 'version', draft.number, 'validate'));
    body = html`<p>Activating <strong>draft version ${draft.number}</strong>${active === null ? ' (nothing is active yet)' : html` replaces active version ${active.number}`} in every POP.</p>
      <h3>Backends</h3>${diffView(diff)}
      ${refused === null ? '' : html`<div class="diagnostics" role="alert"><h3>Activation refused: ${refused.msg}</h3>
        ${refused.errors.length === 0 ? html`<p>${refused.detail ?? ''}</p>` : html`<ul>${refused.errors.map((e) => html`<li><code>${e}</code></li>`)}</ul>`}
        <p>Nothing changed: ${active === null ? 'no version is active' : `version ${active.number} is still the active one`}.</p></div>`}
      ${validation.warnings.length === 0 ? '' : html`<h3>Warnings</h3><ul class="warnings">${validation.warnings.map((w) => html`<li><code>${w}</code></li>`)}</ul>`}
      ${ctx.session.readOnly ? html`<p class="muted">Read-only token: activation is not available.</p>` : html`
      <form method="post" action="${serviceHref(s.id, 'activate')}">${csrfField(ctx.session)}<input type="hidden" name="version" value="${draft.number}">
        <div class="form-actions"><button type="submit" class="btn btn-primary">Activate version ${draft.number}</button>
        <a class="btn btn-quiet" href="${serviceHref(s.id, 'versions', String(draft.number))}">View its VCL</a></div></form>`}`;
  }
  return page({
    title: `${s.name} · Activate`, session: ctx.session, crumbs: crumbs(s, 'Activate'),
    body: html`<h1>${s.name}</h1>${serviceTabs(s.id, 'activate')}<section class="panel"><h2>Activate</h2>${body}</section>`,
  });
}

async function activate(ctx: Ctx, sid: string, version: string, onRefused: (err: ApiFailure) => Promise<Html>): Promise<Redirect | PageAnswer> {
  try {
    await ctx.api.call('PUT', apiPath('service', sid, 'version', version, 'activate'));
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 400 || err.status === 409)) return new PageAnswer(err.status, await onRefused(err));
    throw err;
  }
  ctx.session.flash = { kind: 'ok', text: `Version ${version} is active. The POPs start probing its backends now.` };
  return new Redirect(serviceHref(sid, 'backends'));
}

export function registerVersions(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid/versions', versionsPage);
  route(env, 'GET', '/dashboard/services/:sid/versions/:v', versionPage);
  route(env, 'POST', '/dashboard/services/:sid/versions/:v/clone', async (ctx) => {
    const made = await ctx.api.call<VersionInfo>('PUT', apiPath('service', ctx.params.sid, 'version', ctx.params.v, 'clone'));
    ctx.session.flash = { kind: 'ok', text: `Cloned version ${ctx.params.v} into draft version ${made.number}.` };
    return new Redirect(serviceHref(ctx.params.sid, 'versions'));
  });
  route(env, 'POST', '/dashboard/services/:sid/versions/:v/activate', (ctx) =>
    activate(ctx, ctx.params.sid, ctx.params.v, (err) => activatePage(ctx, err)));
  route(env, 'GET', '/dashboard/services/:sid/activate', (ctx) => activatePage(ctx));
  route(env, 'POST', '/dashboard/services/:sid/activate', (ctx) =>
    activate(ctx, ctx.params.sid, String(ctx.body.version ?? ''), (err) => activatePage(ctx, err)));
}
