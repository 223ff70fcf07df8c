// Add / edit / delete a backend. The form's basic fields come first, the rest sit
// in an advanced section; API validation errors are shown next to their fields and nothing is
// saved (backend-save.ts); "used by" writes one definition into several services' drafts.
import { apiPath, ApiFailure } from '../api-client.ts';
import { BACKEND_FIELDS, blankValues, valuesFromApi, valuesFromBody, type FormField, type FormValues } from '../backend-fields.ts';
import { saveBackend, sharingServices, type SavedDraft } from '../backend-save.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import {
  activeVersion, backendVclName, draftVersion, ensureDraft, getService, listObjects, listServices, workingVersion,
  type ApiObject, type ServiceInfo,
} from '../data.ts';
import { vclUses } from '../highlight.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';
import { deleteContext, deleteEffect, versionVcl } from './backends.ts';

type Errors = Readonly<Record<string, string>>;

function input(x: FormField, values: FormValues, errors: Errors): Html {
  const id = `f-${x.name}`;
  const error = errors[x.name];
  const described = [x.help === undefined ? null : `${id}-help`, error === undefined ? null : `${id}-error`].filter((d) => d !== null).join(' ');
  const aria = html`${described === '' ? '' : html` aria-describedby="${described}"`}${error === undefined ? '' : html` aria-invalid="true"`}`;
  const help = x.help === undefined ? '' : html`<p class="help" id="${id}-help">${x.help}</p>`;
  const err = error === undefined ? '' : html`<p class="field-error" id="${id}-error"><span aria-hidden="true">✖ </span>${error}</p>`;
  if (x.kind === 'checkbox') {
    return html`<div class="field field-check${error === undefined ? '' : ' has-error'}">
      <input type="checkbox" id="${id}" name="${x.name}" value="1"${values[x.name] === '1' ? html` checked` : ''}${aria}>
      <label for="${id}">${x.label}</label>${help}${err}</div>`;
  }
  const numeric = x.kind === 'number' ? html` inputmode="numeric"` : '';
  return html`<div class="field${error === undefined ? '' : ' has-error'}">
    <label for="${id}">${x.label}</label>
    <input type="text" id="${id}" name="${x.name}" value="${values[x.name] ?? ''}"${numeric}${x.placeholder === undefined ? '' : html` placeholder="${x.placeholder}"`} spellcheck="false"${aria}>
    ${help}${err}</div>`;
}

interface FormPage {
  readonly service: ServiceInfo;
  readonly services: readonly ServiceInfo[];
  readonly original: string | null;
  readonly values: FormValues;
  readonly usedBy: readonly string[];
  readonly sharedWith: readonly string[];
  readonly errors: Errors;
}

function formPage(ctx: Ctx, f: FormPage): Html {
  const sid = f.service.id;
  const title = f.original === null ? 'Add backend' : `Edit backend ${f.original}`;
  const action = f.original === null ? serviceHref(sid, 'backends') : serviceHref(sid, 'backends', f.original, 'edit');
  const draft = draftVersion(f.service);
  const active = activeVersion(f.service);
  const target = draft !== null ? `Saving writes to draft version ${draft.number}.`
    : `Saving clones version ${(active ?? f.service.versions[f.service.versions.length - 1]).number} into a new draft and writes there.`;
  const fieldErrors = Object.entries(f.errors).filter(([k]) => k !== '');
  const basic = BACKEND_FIELDS.filter((x) => x.section === 'basic');
  const advanced = BACKEND_FIELDS.filter((x) => x.section === 'advanced');
  const advancedHasError = advanced.some((x) => f.errors[x.name] !== undefined);
  const names = new Map(f.services.map((s) => [s.id, s.name]));
  return page({
    title, session: ctx.session,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: f.service.name, href: serviceHref(sid, 'backends') },
      { label: 'Backends', href: serviceHref(sid, 'backends') }, { label: f.original === null ? 'Add' : f.original }],
    body: html`<h1>${f.service.name}</h1>
    ${serviceTabs(sid, 'backends')}
    <section class="panel form-panel">
    <h2>${title}</h2>
    <p class="muted">${target} Nothing runs until you activate the draft.</p>
    ${f.errors[''] === undefined ? '' : html`<div class="flash flash-error" role="alert">${f.errors['']}</div>`}
    ${fieldErrors.length === 0 ? '' : html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary">
      <h3>Nothing was saved: ${fieldErrors.length === 1 ? 'one field needs' : `${fieldErrors.length} fields need`} fixing</h3>
      <ul>${fieldErrors.map(([k, msg]) => html`<li><a href="#f-${k}">${BACKEND_FIELDS.find((x) => x.name === k)?.label ?? k}: ${msg}</a></li>`)}</ul></div>`}
    ${f.sharedWith.length > 1 ? html`<p class="banner banner-shared">This backend is shared: saving changes it in ${f.sharedWith.map((s) => names.get(s) ?? s).sort().join(', ')} (each in its own draft).</p>` : ''}
    <form method="post" action="${action}" class="backend-form" novalidate>
      ${csrfField(ctx.session)}
      <fieldset><legend>Origin</legend><div class="grid">${basic.filter((x) => x.object === 'backend').map((x) => input(x, f.values, f.errors))}</div></fieldset>
      <fieldset><legend>Health check</legend><div class="grid">${basic.filter((x) => x.object === 'healthcheck').map((x) => input(x, f.values, f.errors))}</div></fieldset>
      <details class="advanced"${advancedHasError ? html` open` : ''}>
        <summary>Advanced: timeouts, connections, TLS names, Host override, share key, probe timing</summary>
        <div class="grid">${advanced.map((x) => input(x, f.values, f.errors))}</div>
      </details>
      ${f.services.length > 1 ? html`<fieldset class="used-by"><legend>Used by</legend>
        <p class="help" id="used-by-help">The same definition, with one shared share key, is written into each chosen service's draft, so every POP probes it once.</p>
        <ul class="checks">${f.services.map((s) => s.id === sid
          ? html`<li><input type="checkbox" id="used-${s.id}" checked disabled aria-describedby="used-by-help"><input type="hidden" name="used_by" value="${s.id}"><label for="used-${s.id}">${s.name} (this service)</label></li>`
          : html`<li><input type="checkbox" id="used-${s.id}" name="used_by" value="${s.id}"${f.usedBy.includes(s.id) ? html` checked` : ''} aria-describedby="used-by-help"><label for="used-${s.id}">${s.name}</label></li>`)}</ul>
      </fieldset>` : ''}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">${f.original === null ? 'Add backend' : 'Save changes'}</button>
        <a class="btn btn-quiet" href="${serviceHref(sid, 'backends')}">Cancel</a>
      </div>
    </form>
    </section>`,
  });
}

function usedByFrom(body: Readonly<Record<string, unknown>>, sid: string, allowed: readonly ServiceInfo[]): string[] {
  const raw = body.used_by;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const ok = new Set(allowed.map((s) => s.id));
  return [sid, ...new Set(list.filter((s) => s !== sid && ok.has(s)))];
}

function savedMessage(name: string, drafts: readonly SavedDraft[]): string {
  const where = drafts.map((d) => `${d.serviceName} draft v${d.version}${d.cloned ? ' (new)' : ''}${d.action === 'deleted' ? ' (removed)' : ''}`).join(', ');
  return `Saved backend ${name} to ${where}. Activate to make it run.`;
}

async function current(ctx: Ctx, service: ServiceInfo, name: string): Promise<{ backend: ApiObject; hc: ApiObject | null; version: number }> {
  const working = workingVersion(service);
  if (working === null) throw new ApiFailure(404, { msg: 'Record not found', detail: `service '${service.id}' has no version` });
  const backend = await ctx.api.get<ApiObject>(apiPath('service', service.id, 'version', working.number, 'backend', name));
  const hcName = backend.healthcheck;
  const hc = typeof hcName === 'string' ? (await listObjects(ctx.api, service.id, working.number, 'healthcheck')).find((h) => h.name === hcName) ?? null : null;
  return { backend, hc, version: working.number };
}

async function sharedWith(ctx: Ctx, services: readonly ServiceInfo[], backend: ApiObject): Promise<string[]> {
  const key = typeof backend.share_key === 'string' ? backend.share_key : null;
  return sharingServices(ctx.api, services, backend.name, key, (s) => workingVersion(s)?.number ?? null);
}

export function registerBackendForm(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid/backends/new', async (ctx) => {
    const [service, services] = await Promise.all([getService(ctx.api, ctx.params.sid), listServices(ctx.api)]);
    return formPage(ctx, { service, services, original: null, values: blankValues(), usedBy: [service.id], sharedWith: [], errors: {} });
  });

  route(env, 'POST', '/dashboard/services/:sid/backends', async (ctx) => {
    const [service, services] = await Promise.all([getService(ctx.api, ctx.params.sid), listServices(ctx.api)]);
    const values = valuesFromBody(ctx.body);
    const usedBy = usedByFrom(ctx.body, service.id, services);
    const result = await saveBackend(ctx.api, { values, usedBy, original: null, previouslyIn: [] });
    if (!result.ok) return new PageAnswer(400, formPage(ctx, { service, services, original: null, values, usedBy, sharedWith: [], errors: result.errors }));
    ctx.session.flash = { kind: 'ok', text: savedMessage(values.name, result.drafts) };
    return new Redirect(serviceHref(service.id, 'backends'));
  });

  route(env, 'GET', '/dashboard/services/:sid/backends/:name/edit', async (ctx) => {
    const [service, services] = await Promise.all([getService(ctx.api, ctx.params.sid), listServices(ctx.api)]);
    const { backend, hc } = await current(ctx, service, ctx.params.name);
    const shared = await sharedWith(ctx, services, backend);
    const usedBy = [service.id, ...shared.filter((s) => s !== service.id)];
    return formPage(ctx, { service, services, original: backend.name, values: valuesFromApi(backend, hc), usedBy, sharedWith: shared, errors: {} });
  });

  route(env, 'POST', '/dashboard/services/:sid/backends/:name/edit', async (ctx) => {
    const [service, services] = await Promise.all([getService(ctx.api, ctx.params.sid), listServices(ctx.api)]);
    const { backend } = await current(ctx, service, ctx.params.name);
    const shared = (await sharedWith(ctx, services, backend)).filter((s) => s !== service.id);
    const values = valuesFromBody(ctx.body);
    const usedBy = usedByFrom(ctx.body, service.id, services);
    const result = await saveBackend(ctx.api, { values, usedBy, original: backend.name, previouslyIn: [service.id, ...shared] });
    if (!result.ok) {
      return new PageAnswer(400, formPage(ctx, { service, services, original: backend.name, values, usedBy, sharedWith: [service.id, ...shared], errors: result.errors }));
    }
    ctx.session.flash = { kind: 'ok', text: savedMessage(values.name, result.drafts) };
    return new Redirect(serviceHref(service.id, 'backends'));
  });

  const confirmPage = async (ctx: Ctx): Promise<Html> => {
    const service = await getService(ctx.api, ctx.params.sid);
    const { backend, version } = await current(ctx, service, ctx.params.name);
    const uses = vclUses(await versionVcl(ctx, service.id, version), backendVclName(backend.name));
    const effect = deleteEffect(await deleteContext(ctx, service.id, version), backend.name);
    return page({
      title: `Delete ${backend.name}`, session: ctx.session,
      crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: service.name, href: serviceHref(service.id, 'backends') }, { label: `Delete ${backend.name}` }],
      body: html`<h1>${service.name}</h1>${serviceTabs(service.id, 'backends')}
      <section class="panel narrow" aria-labelledby="confirm-title">
        <h2 id="confirm-title">Delete backend ${backend.name}?</h2>
        ${effect.slice(1).map((p) => html`<p>${p}</p>`)}
        ${uses.length === 0 ? '' : html`<h3>VCL lines that name ${backendVclName(backend.name)}</h3>
        <p class="muted small">Lines in the generated VCL are regenerated without it; custom VCL has to be changed by hand.</p>
        <ul class="uses">${uses.map((u) => html`<li><code>${u}</code></li>`)}</ul>`}
        <form method="post" action="${serviceHref(service.id, 'backends', backend.name, 'delete')}">
          ${csrfField(ctx.session)}<input type="hidden" name="confirm" value="yes">
          <div class="form-actions"><button type="submit" class="btn btn-danger">Delete ${backend.name}</button>
          <a class="btn btn-quiet" href="${serviceHref(service.id, 'backends')}">Keep it</a></div>
        </form>
      </section>`,
    });
  };
  route(env, 'GET', '/dashboard/services/:sid/backends/:name/delete', confirmPage);

  route(env, 'POST', '/dashboard/services/:sid/backends/:name/delete', async (ctx) => {
    if (ctx.body.confirm !== 'yes') return confirmPage(ctx);
    const service = await getService(ctx.api, ctx.params.sid);
    const draft = await ensureDraft(ctx.api, service);
    await ctx.api.call('DELETE', apiPath('service', service.id, 'version', draft.number, 'backend', ctx.params.name));
    ctx.session.flash = { kind: 'ok', text: `Deleted backend ${ctx.params.name} from draft version ${draft.number}. Activate to make it run.` };
    return new Redirect(serviceHref(service.id, 'backends'));
  });
}
