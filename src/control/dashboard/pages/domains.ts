// Service → Provisioning → Domains: the host names a service answers for. The edge picks a
// service by the request's Host header among active versions' domains (DESIGN.md §4.4), so a
// service without one receives no traffic. Domains are listed from the working version, added
// to and deleted from the draft (cloned first when there is none), with the API's validation
// messages next to the field and a delete confirmation that says what happens to traffic.
import { apiPath, ApiFailure, fieldErrors } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { activeVersion, ensureDraft, getService, listObjects, workingVersion, type ApiObject, type ServiceInfo } from '../data.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';
import { domainDeleteEffect, NO_DOMAIN } from '../traffic.ts';
import { versionBanner } from './backends.ts';

const FIELDS = new Set(['name', 'comment']);

interface Form {
  readonly values: Readonly<Record<'name' | 'comment', string>>;
  readonly errors: Readonly<Record<string, string>>;
}

const EMPTY: Form = { values: { name: '', comment: '' }, errors: {} };

function input(key: 'name' | 'comment', label: string, help: string, f: Form): Html {
  const id = `d-${key}`;
  const error = f.errors[key];
  const described = `${id}-help${error === undefined ? '' : ` ${id}-error`}`;
  return html`<div class="field${error === undefined ? '' : ' has-error'}">
    <label for="${id}">${label}</label>
    <input type="text" id="${id}" name="${key}" value="${f.values[key]}" spellcheck="false" aria-describedby="${described}"${error === undefined ? '' : html` aria-invalid="true"`}${key === 'name' ? html` required autocomplete="off" placeholder="www.example.com"` : ''}>
    <p class="help" id="${id}-help">${help}</p>
    ${error === undefined ? '' : html`<p class="field-error" id="${id}-error"><span aria-hidden="true">✖ </span>${error}</p>`}
  </div>`;
}

/** Domain names of a version, or null when there is no such version. */
async function domainNames(ctx: Ctx, sid: string, version: number | null): Promise<string[] | null> {
  return version === null ? null : (await listObjects(ctx.api, sid, version, 'domain')).map((d) => d.name);
}

function deleteForm(ctx: Ctx, s: ServiceInfo, d: ApiObject, effect: readonly string[]): Html {
  return html`<form method="post" action="${serviceHref(s.id, 'domains', d.name, 'delete')}" class="inline" data-confirm="${effect.join('\n')}">
    ${csrfField(ctx.session)}<button type="submit" class="btn btn-small btn-danger">Delete<span class="sr-only"> ${d.name}</span></button></form>`;
}

async function domainsPage(ctx: Ctx, form: Form = EMPTY): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const working = workingVersion(s);
  const domains = working === null ? [] : await listObjects(ctx.api, s.id, working.number, 'domain');
  const active = await domainNames(ctx, s.id, activeVersion(s)?.number ?? null);
  const names = domains.map((d) => d.name);
  const formErrors = Object.entries(form.errors).filter(([k]) => k !== '');
  const rows = domains.map((d) => html`<tr>
    <th scope="row" class="mono">${d.name}</th>
    <td data-label="Comment">${typeof d.comment === 'string' && d.comment !== '' ? d.comment : html`<span class="muted">—</span>`}</td>
    <td data-label="Status">${(active ?? []).includes(d.name) ? html`<span class="badge badge-ok"><span aria-hidden="true">●</span> Active</span>` : html`<span class="badge badge-none">Not active yet</span>`}</td>
    <td data-label="Actions" class="actions"><div>${ctx.session.readOnly ? html`<span class="muted">read-only</span>`
      : deleteForm(ctx, s, d, domainDeleteEffect({ name: d.name, draftDomains: names, activeDomains: active }))}</div></td>
  </tr>`);
  return page({
    title: `${s.name} · Domains`, session: ctx.session,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'backends') }, { label: 'Provisioning' }, { label: 'Domains' }],
    body: html`<h1>${s.name}</h1>
    ${serviceTabs(s.id, 'domains')}
    ${versionBanner(s, working)}
    <section class="panel" aria-labelledby="domains-title">
      <h2 id="domains-title">Domains</h2>
      <p>Requests reach this service when their <code>Host</code> header is one of these names. Point each name's DNS at your lacquer edge; a domain can be active in one service at a time.</p>
      ${domains.length === 0 ? html`<div class="warning-box" role="note" id="no-domain"><h3>No domain yet</h3><p>${NO_DOMAIN}</p></div>` : html`<div class="table-wrap"><table class="table stack">
        <caption class="sr-only">Domains of version ${working?.number}</caption>
        <thead><tr><th scope="col">Domain</th><th scope="col">Comment</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows}</tbody></table></div>`}
    </section>
    ${ctx.session.readOnly ? '' : html`<section class="panel form-panel" aria-labelledby="add-domain-title">
      <h2 id="add-domain-title">Add a domain</h2>
      ${form.errors[''] === undefined ? '' : html`<div class="flash flash-error" role="alert">${form.errors['']}</div>`}
      ${formErrors.length === 0 ? '' : html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h3>Nothing was saved</h3>
        <ul>${formErrors.map(([k, msg]) => html`<li><a href="#d-${k}">${k === 'name' ? 'Domain name' : 'Comment'}: ${msg}</a></li>`)}</ul></div>`}
      <form method="post" action="${serviceHref(s.id, 'domains')}" novalidate>
        ${csrfField(ctx.session)}
        <div class="grid">
          ${input('name', 'Domain name', 'The host name clients request, e.g. www.example.com.', form)}
          ${input('comment', 'Comment', 'Optional: a note for other operators.', form)}
        </div>
        <div class="form-actions"><button type="submit" class="btn btn-primary">Add domain</button></div>
      </form>
    </section>`}`,
  });
}

/** The API's refusal as errors by field: 409 means the name is taken in this version. */
function errorsOf(err: ApiFailure): Record<string, string> {
  if (err.status === 409) return { name: err.detail ?? err.msg };
  if (err.status === 400) return fieldErrors(err.detail, FIELDS);
  return { '': err.message };
}

export function registerDomains(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services/:sid/domains', (ctx) => domainsPage(ctx));

  route(env, 'POST', '/dashboard/services/:sid/domains', async (ctx) => {
    const text = (k: string): string => (typeof ctx.body[k] === 'string' ? String(ctx.body[k]).trim() : '');
    const values = { name: text('name'), comment: text('comment') };
    const service = await getService(ctx.api, ctx.params.sid);
    const draft = await ensureDraft(ctx.api, service);
    try {
      await ctx.api.call('POST', apiPath('service', service.id, 'version', draft.number, 'domain'), values);
    } catch (err) {
      if (!(err instanceof ApiFailure) || err.status >= 500) throw err;
      return new PageAnswer(err.status === 409 ? 409 : 400, await domainsPage(ctx, { values, errors: errorsOf(err) }));
    }
    ctx.session.flash = { kind: 'ok', text: `Added domain ${values.name} to draft version ${draft.number}${draft.cloned ? ' (new)' : ''}. Activate to make it run.` };
    return new Redirect(serviceHref(service.id, 'domains'));
  });

  const confirmPage = async (ctx: Ctx): Promise<Html> => {
    const s = await getService(ctx.api, ctx.params.sid);
    const working = workingVersion(s);
    const names = (await domainNames(ctx, s.id, working?.number ?? null)) ?? [];
    if (!names.includes(ctx.params.name)) throw new ApiFailure(404, { msg: 'Record not found', detail: `Couldn't find domain '${ctx.params.name}' in version ${working?.number}` });
    const effect = domainDeleteEffect({ name: ctx.params.name, draftDomains: names, activeDomains: await domainNames(ctx, s.id, activeVersion(s)?.number ?? null) });
    return page({
      title: `Delete ${ctx.params.name}`, session: ctx.session,
      crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'domains') }, { label: `Delete ${ctx.params.name}` }],
      body: html`<h1>${s.name}</h1>${serviceTabs(s.id, 'domains')}
      <section class="panel narrow" aria-labelledby="confirm-title">
        <h2 id="confirm-title">Delete domain ${ctx.params.name}?</h2>
        ${effect.slice(1).map((p) => html`<p>${p}</p>`)}
        <form method="post" action="${serviceHref(s.id, 'domains', ctx.params.name, 'delete')}">
          ${csrfField(ctx.session)}<input type="hidden" name="confirm" value="yes">
          <div class="form-actions"><button type="submit" class="btn btn-danger">Delete ${ctx.params.name}</button>
          <a class="btn btn-quiet" href="${serviceHref(s.id, 'domains')}">Keep it</a></div>
        </form>
      </section>`,
    });
  };
  route(env, 'GET', '/dashboard/services/:sid/domains/:name/delete', confirmPage);

  route(env, 'POST', '/dashboard/services/:sid/domains/:name/delete', async (ctx) => {
    if (ctx.body.confirm !== 'yes') return confirmPage(ctx);
    const service = await getService(ctx.api, ctx.params.sid);
    const draft = await ensureDraft(ctx.api, service);
    await ctx.api.call('DELETE', apiPath('service', service.id, 'version', draft.number, 'domain', ctx.params.name));
    ctx.session.flash = { kind: 'ok', text: `Deleted domain ${ctx.params.name} from draft version ${draft.number}. Activate to make it run.` };
    return new Redirect(serviceHref(service.id, 'domains'));
  });
}
