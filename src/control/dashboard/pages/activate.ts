// Activate: the review of a version before it goes live. validate's errors come
// first and keep the Activate button off (the API would refuse the activation for the same
// reasons), then a version without a domain, validate's warnings, the default backend, and every
// change against the active version. A refused activation shows the API's diagnostics here too.
import { apiPath, ApiFailure } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import {
  activeVersion, draftVersion, getService, listObjects, validateVersion, versionSettings,
  type ApiObject, type ServiceInfo, type Validation, type VersionInfo,
} from '../data.ts';
import { diffVersions, isEmptyDiff, REVIEW_KINDS, type ReviewKind, type VersionObjects } from '../diff.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';
import { reviewView } from '../review-view.ts';
import { defaultBackendWords, NO_DOMAIN } from '../traffic.ts';

async function objects(ctx: Ctx, sid: string, v: number): Promise<VersionObjects> {
  const lists = await Promise.all(REVIEW_KINDS.map((k) => listObjects(ctx.api, sid, v, k)));
  const settings = await versionSettings(ctx.api, sid, v);
  return { objects: Object.fromEntries(REVIEW_KINDS.map((k, i) => [k, lists[i]])) as Record<ReviewKind, ApiObject[]>, settings };
}

/** The version under review: `?version=N` (or the form's), else the draft. */
function target(s: ServiceInfo, asked: string | undefined): VersionInfo | null {
  if (asked === undefined || asked === '') return draftVersion(s);
  return s.versions.find((v) => String(v.number) === asked) ?? null;
}

function errorsBox(v: VersionInfo, validation: Validation): Html {
  const n = validation.errors.length;
  return html`<div class="diagnostics" role="alert" id="activate-errors"><h3>Version ${v.number} cannot be activated: ${n === 1 ? '1 error' : `${n} errors`}</h3>
    <ul>${validation.errors.map((e) => html`<li><code>${e}</code></li>`)}</ul>
    <p>Activating it would be refused for these reasons. Fix them in the draft; the Activate button stays off until then.</p></div>`;
}

function refusedBox(refused: ApiFailure, active: VersionInfo | null): Html {
  return html`<div class="diagnostics" role="alert" id="activate-errors"><h3>Activation refused: ${refused.msg}</h3>
    ${refused.errors.length === 0 ? html`<p>${refused.detail ?? ''}</p>` : html`<ul>${refused.errors.map((e) => html`<li><code>${e}</code></li>`)}</ul>`}
    <p>Nothing changed: ${active === null ? 'no version is active' : `version ${active.number} is still the active one`}.</p></div>`;
}

function defaultBackendView(after: Validation, afterObjects: VersionObjects, before: { number: number; defaultBackend: string | null; objects: VersionObjects } | null): Html {
  const now = defaultBackendWords(after.default_backend, afterObjects.objects.backend);
  const then = before === null ? null : defaultBackendWords(before.defaultBackend, before.objects.objects.backend);
  return html`<h3>Default backend</h3><p id="default-backend">${now}</p>
    ${then === null || then === now ? '' : html`<p class="banner banner-draft" id="default-backend-change">This changes which backend serves those requests. In active version ${before?.number}: ${then}</p>`}`;
}

async function reviewBody(ctx: Ctx, s: ServiceInfo, v: VersionInfo, refused: ApiFailure | null): Promise<Html> {
  const active = activeVersion(s);
  if (v.active) return html`<p>Version ${v.number} is the active version already. <a href="${serviceHref(s.id, 'versions')}">See the versions</a>.</p>`;
  const after = await objects(ctx, s.id, v.number);
  const validation = await validateVersion(ctx.api, s.id, v.number);
  const before = active === null ? null : {
    number: active.number, objects: await objects(ctx, s.id, active.number),
    defaultBackend: (await validateVersion(ctx.api, s.id, active.number)).default_backend,
  };
  const diff = diffVersions(before?.objects ?? null, after);
  // The no-domain box above says validate's `no-domain` warning in an operator's words.
  const warnings = validation.warnings.filter((w) => !w.startsWith('no-domain:'));
  const blocked = validation.errors.length > 0;
  const isDraft = draftVersion(s)?.number === v.number;
  return html`<p>Activating ${isDraft ? 'draft ' : ''}version ${v.number}${active === null ? ' makes it the first active version of this service' : html` replaces active version ${active.number}`} in every POP.</p>
    ${refused !== null ? refusedBox(refused, active) : blocked ? errorsBox(v, validation) : ''}
    ${after.objects.domain.length > 0 ? '' : html`<div class="warning-box" role="note" id="no-domain"><h3>No domain</h3><p>${NO_DOMAIN}</p>
      <p><a href="${serviceHref(s.id, 'domains')}">Add a domain</a></p></div>`}
    ${warnings.length === 0 ? '' : html`<h3>Warnings</h3><ul class="warnings">${warnings.map((w) => html`<li><code>${w}</code></li>`)}</ul>`}
    ${defaultBackendView(validation, after, before)}
    <h3>What changes</h3>
    ${before === null ? html`<p>Nothing is active yet: everything below is new.</p>` : ''}
    ${before !== null && isEmptyDiff(diff) ? html`<p>Nothing: version ${v.number} has the same configuration as active version ${before.number}.</p>` : reviewView(diff, before?.objects ?? null, after)}
    ${ctx.session.readOnly ? html`<p class="muted">Read-only token: activation is not available.</p>` : html`
    <form method="post" action="${serviceHref(s.id, 'activate')}">${csrfField(ctx.session)}<input type="hidden" name="version" value="${v.number}">
      <div class="form-actions"><button type="submit" class="btn btn-primary"${blocked ? html` disabled aria-describedby="activate-errors"` : ''}>Activate version ${v.number}</button>
      <a class="btn btn-quiet" href="${serviceHref(s.id, 'versions', String(v.number))}">View its VCL</a></div>
      ${blocked ? html`<p class="help">Activation is off while the errors above remain.</p>` : ''}</form>`}`;
}

async function activatePage(ctx: Ctx, asked: string | undefined, refused: ApiFailure | null = null): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const v = target(s, asked);
  const active = activeVersion(s);
  const body = v !== null ? await reviewBody(ctx, s, v, refused)
    : asked !== undefined && asked !== '' ? html`<p class="error-text">Service ${s.name} has no version ${asked}.</p>`
    : html`<p>There is no draft to activate${active === null ? '' : html`: version ${active.number} is active and unchanged`}. Edit a domain or a backend to start one.</p>`;
  return page({
    title: `${s.name} · Activate`, session: ctx.session,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'backends') }, { label: 'Activate' }],
    body: html`<h1>${s.name}</h1>${serviceTabs(s.id, 'activate')}<section class="panel" aria-labelledby="activate-title">
      <h2 id="activate-title">${v === null || v.active ? 'Activate' : `Activate version ${v.number}`}</h2>${body}</section>`,
  });
}

async function activate(ctx: Ctx, version: string): Promise<Redirect | PageAnswer> {
  const sid = ctx.params.sid;
  try {
    await ctx.api.call('PUT', apiPath('service', sid, 'version', version, 'activate'));
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 400 || err.status === 409)) return new PageAnswer(err.status, await activatePage(ctx, version, err));
    throw err;
  }
  ctx.session.flash = { kind: 'ok', text: `Version ${version} is active. The POPs start probing its backends now.` };
  return new Redirect(serviceHref(sid, 'backends'));
}

export function registerActivate(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid/activate', (ctx) => activatePage(ctx, ctx.query.version));
  route(env, 'POST', '/dashboard/services/:sid/activate', (ctx) => activate(ctx, String(ctx.body.version ?? '')));
  // A form posted to a version's own activate URL activates it the same way; a refusal lands on its review.
  route(env, 'POST', '/dashboard/services/:sid/versions/:v/activate', (ctx) => activate(ctx, ctx.params.v));
}
