// The services list: name, active version, domains, number of backends and a
// health summary; and a small form to create a service.
import { apiPath, ApiFailure, fieldErrors } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { listServices, serviceHealth, type ApiObject, type ServiceInfo } from '../data.ts';
import { summary } from '../health-view.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref } from '../layout.ts';

interface Details {
  readonly version: { readonly number: number; readonly backends: ApiObject[]; readonly domains: ApiObject[] } | null;
  readonly active_version: { readonly number: number; readonly backends: ApiObject[]; readonly domains: ApiObject[] } | null;
}

async function row(ctx: Ctx, s: ServiceInfo): Promise<Html> {
  const details = await ctx.api.get<Details>(apiPath('service', s.id, 'details'));
  const shown = details.active_version ?? details.version;
  const domains = (shown?.domains ?? []).map((d) => d.name);
  const health = await serviceHealth(ctx.api, s.id);
  return html`<tr>
    <th scope="row"><a href="${serviceHref(s.id, 'backends')}">${s.name}</a><div class="muted small mono">${s.id}</div></th>
    <td data-label="Active version">${s.version === null ? html`<span class="muted">none</span>` : html`v${s.version}`}</td>
    <td data-label="Domains"><div>${domains.length === 0 ? html`<span class="muted">none</span>` : domains.map((d) => html`<span class="chip">${d}</span> `)}</div></td>
    <td data-label="Backends" class="num">${shown?.backends.length ?? 0}</td>
    <td data-label="Health">${summary(health)}</td>
  </tr>`;
}

function createForm(ctx: Ctx, error: string | null, value: string): Html {
  if (ctx.session.readOnly || ctx.session.serviceId !== null) return html``;
  return html`<section class="panel">
    <h2>New service</h2>
    <form method="post" action="/dashboard/services" class="inline-form" novalidate>
      ${csrfField(ctx.session)}
      <div class="field${error === null ? '' : ' has-error'}">
        <label for="service-name">Service name</label>
        <input id="service-name" name="name" value="${value}" required${error === null ? '' : html` aria-invalid="true" aria-describedby="service-name-error"`}>
        ${error === null ? '' : html`<p class="field-error" id="service-name-error">${error}</p>`}
      </div>
      <button class="btn btn-primary" type="submit">Create service</button>
    </form>
  </section>`;
}

async function servicesPage(ctx: Ctx, error: string | null = null, value = ''): Promise<Html> {
  const services = await listServices(ctx.api);
  const rows = await Promise.all(services.map((s) => row(ctx, s)));
  return page({
    title: 'Services', session: ctx.session, crumbs: [{ label: 'Services' }],
    body: html`<h1>Services</h1>
    <section class="panel">
    ${services.length === 0 ? html`<p>No services yet.</p>` : html`<div class="table-wrap"><table class="table stack">
      <caption class="sr-only">Services</caption>
      <thead><tr><th scope="col">Service</th><th scope="col">Active version</th><th scope="col">Domains</th><th scope="col" class="num">Backends</th><th scope="col">Health</th></tr></thead>
      <tbody>${rows}</tbody></table></div>`}
    </section>
    ${createForm(ctx, error, value)}`,
  });
}

export function registerServices(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/services', (ctx) => servicesPage(ctx));
  route(env, 'POST', '/dashboard/services', async (ctx) => {
    const name = typeof ctx.body.name === 'string' ? ctx.body.name.trim() : '';
    try {
      const made = await ctx.api.call<ServiceInfo>('POST', '/service', { name });
      ctx.session.flash = { kind: 'ok', text: `Created service ${made.name} with an editable version 1.` };
      return new Redirect(serviceHref(made.id, 'backends'));
    } catch (err) {
      if (!(err instanceof ApiFailure) || err.status !== 400) throw err;
      const errors = fieldErrors(err.detail, new Set(['name']));
      return new PageAnswer(400, await servicesPage(ctx, errors.name ?? errors[''] ?? err.message, name));
    }
  });
}
