// Service → Rules: the conditions and headers of the working version, edited in the draft
// (cloned first when there is none) and made live from the Activate page, like every other
// dashboard change. One page per kind, both drawn from one declaration of their fields; saving
// a name that exists in the draft updates it (PUT), any other creates it (POST). The API's
// validation (a statement that does not compile, an unknown condition) shows next to the field.
import { apiPath, ApiFailure, fieldErrors } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { ensureDraft, getService, listObjects, workingVersion, type ApiObject } from '../data.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';
import { versionBanner } from './backends.ts';

interface RuleField { readonly key: string; readonly label: string; readonly help: string; readonly choices?: readonly string[] }
interface RuleKind {
  readonly path: 'conditions' | 'headers';
  readonly kind: 'condition' | 'header';
  readonly title: string;
  readonly intro: string;
  readonly fields: readonly RuleField[];
  readonly columns: readonly string[];
}

const KINDS: readonly RuleKind[] = [
  {
    path: 'conditions', kind: 'condition', title: 'Conditions',
    intro: 'A condition is a VCL expression that other objects (backends, headers, responses, settings) apply under. Its type says where it is evaluated.',
    fields: [
      { key: 'name', label: 'Name', help: 'How objects refer to it.' },
      { key: 'type', label: 'Type', help: 'REQUEST: vcl_recv; CACHE: vcl_fetch; RESPONSE: vcl_deliver; PREFETCH: vcl_miss and vcl_pass.', choices: ['REQUEST', 'CACHE', 'RESPONSE', 'PREFETCH'] },
      { key: 'statement', label: 'Statement', help: 'A VCL expression, e.g. req.url ~ "^/api/".' },
      { key: 'priority', label: 'Priority', help: 'Lower numbers run first (default 10).' },
    ],
    columns: ['name', 'type', 'statement', 'priority'],
  },
  {
    path: 'headers', kind: 'header', title: 'Headers',
    intro: 'A header rule sets, appends to, deletes or rewrites a header (or the URL) of the request, the fetch, the cached object or the response.',
    fields: [
      { key: 'name', label: 'Name', help: 'A name for the rule.' },
      { key: 'type', label: 'Type', help: 'request, fetch (to the origin), cache (stored) or response (to the client).', choices: ['request', 'fetch', 'cache', 'response'] },
      { key: 'action', label: 'Action', help: 'What to do with the destination.', choices: ['set', 'append', 'delete', 'regex', 'regex_repeat'] },
      { key: 'dst', label: 'Destination', help: 'The header, e.g. http.X-Served-By (or url).' },
      { key: 'src', label: 'Source', help: 'A VCL expression for the value, e.g. "yes" or client.ip.' },
      { key: 'regex', label: 'Regex', help: 'For regex actions: what to replace.' },
      { key: 'substitution', label: 'Substitution', help: 'For regex actions: what replaces it.' },
      { key: 'priority', label: 'Priority', help: 'Lower numbers run first (default 100).' },
      { key: 'request_condition', label: 'Request condition', help: 'Optional: a REQUEST condition.' },
      { key: 'cache_condition', label: 'Cache condition', help: 'Optional, cache headers: a CACHE condition.' },
      { key: 'response_condition', label: 'Response condition', help: 'Optional, response headers: a RESPONSE condition.' },
    ],
    columns: ['name', 'type', 'action', 'dst', 'src', 'request_condition'],
  },
];

type Values = Readonly<Record<string, string>>;
interface Form { readonly values: Values; readonly errors: Readonly<Record<string, string>> }

function fieldView(f: RuleField, form: Form): Html {
  const id = `r-${f.key}`;
  const error = form.errors[f.key];
  const value = form.values[f.key] ?? '';
  const described = `${id}-help${error === undefined ? '' : ` ${id}-error`}`;
  const invalid = error === undefined ? '' : html` aria-invalid="true"`;
  const control = f.choices === undefined
    ? html`<input type="text" id="${id}" name="${f.key}" value="${value}" spellcheck="false" aria-describedby="${described}"${invalid}>`
    : html`<select id="${id}" name="${f.key}" aria-describedby="${described}"${invalid}>${f.choices.map((c) => html`<option${c === value ? html` selected` : ''}>${c}</option>`)}</select>`;
  return html`<div class="field${error === undefined ? '' : ' has-error'}"><label for="${id}">${f.label}</label>${control}
    <p class="help" id="${id}-help">${f.help}</p>
    ${error === undefined ? '' : html`<p class="field-error" id="${id}-error"><span aria-hidden="true">✖ </span>${error}</p>`}</div>`;
}

const cell = (v: unknown): Html => (v === null || v === undefined || v === '' ? html`<span class="muted">—</span>` : html`${String(v)}`);

async function rulesPage(ctx: Ctx, k: RuleKind, form: Form = { values: {}, errors: {} }): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const working = workingVersion(s);
  const rows: ApiObject[] = working === null ? [] : await listObjects(ctx.api, s.id, working.number, k.kind);
  const general = form.errors[''];
  return page({
    title: `${s.name} · ${k.title}`, session: ctx.session,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'backends') }, { label: 'Rules' }, { label: k.title }],
    body: html`<h1>${s.name}</h1>
    ${serviceTabs(s.id, k.path)}
    ${versionBanner(s, working)}
    <section class="panel" aria-labelledby="rules-title"><h2 id="rules-title">${k.title}</h2><p>${k.intro}</p>
      ${rows.length === 0 ? html`<p class="muted">None in version ${working?.number ?? '—'}.</p>` : html`<div class="table-wrap"><table class="table stack">
        <caption class="sr-only">${k.title} of version ${working?.number}</caption>
        <thead><tr>${k.columns.map((c) => html`<th scope="col">${c}</th>`)}<th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((r) => html`<tr>${k.columns.map((c, i) => (i === 0 ? html`<th scope="row" class="mono">${r.name}</th>` : html`<td class="mono" data-label="${c}">${cell(r[c])}</td>`))}
          <td class="actions">${ctx.session.readOnly ? html`<span class="muted">read-only</span>` : html`<form method="post" action="${serviceHref(s.id, k.path, r.name, 'delete')}" class="inline" data-confirm="Delete ${k.kind} ${r.name} from the draft?">
            ${csrfField(ctx.session)}<button type="submit" class="btn btn-small btn-danger">Delete<span class="sr-only"> ${r.name}</span></button></form>`}</td></tr>`)}</tbody></table></div>`}
    </section>
    ${ctx.session.readOnly ? '' : html`<section class="panel form-panel" aria-labelledby="rule-form-title">
      <h2 id="rule-form-title">Add or change a ${k.kind}</h2><p class="help">Saving a name that exists changes it.</p>
      ${general === undefined ? '' : html`<div class="flash flash-error" role="alert">${general}</div>`}
      <form method="post" action="${serviceHref(s.id, k.path)}" novalidate>${csrfField(ctx.session)}
        <div class="grid">${k.fields.map((f) => fieldView(f, form))}</div>
        <div class="form-actions"><button type="submit" class="btn btn-primary">Save ${k.kind}</button></div>
      </form></section>`}`,
  });
}

export function registerRules(env: DashboardEnv): void {
  for (const k of KINDS) {
    const known = new Set(k.fields.map((f) => f.key));
    route(env, 'GET', `/dashboard/services/:sid/${k.path}`, (ctx) => rulesPage(ctx, k));
    route(env, 'POST', `/dashboard/services/:sid/${k.path}`, async (ctx) => {
      const values: Record<string, string> = {};
      for (const f of k.fields) values[f.key] = typeof ctx.body[f.key] === 'string' ? String(ctx.body[f.key]).trim() : '';
      const service = await getService(ctx.api, ctx.params.sid);
      const draft = await ensureDraft(ctx.api, service);
      const existing = (await listObjects(ctx.api, service.id, draft.number, k.kind)).some((o) => o.name === values.name);
      try {
        if (existing) await ctx.api.call('PUT', apiPath('service', service.id, 'version', draft.number, k.kind, values.name), values);
        else await ctx.api.call('POST', apiPath('service', service.id, 'version', draft.number, k.kind), values);
      } catch (err) {
        if (!(err instanceof ApiFailure) || err.status >= 500) throw err;
        const errors = err.status === 400 ? fieldErrors(err.detail, known) : { name: err.detail ?? err.msg };
        return new PageAnswer(err.status === 409 ? 409 : 400, await rulesPage(ctx, k, { values, errors }));
      }
      ctx.session.flash = { kind: 'ok', text: `${existing ? 'Changed' : 'Added'} ${k.kind} ${values.name} in draft version ${draft.number}${draft.cloned ? ' (new)' : ''}. Activate to make it run.` };
      return new Redirect(serviceHref(service.id, k.path));
    });
    route(env, 'POST', `/dashboard/services/:sid/${k.path}/:name/delete`, async (ctx) => {
      const service = await getService(ctx.api, ctx.params.sid);
      const draft = await ensureDraft(ctx.api, service);
      await ctx.api.call('DELETE', apiPath('service', service.id, 'version', draft.number, k.kind, ctx.params.name));
      ctx.session.flash = { kind: 'ok', text: `Deleted ${k.kind} ${ctx.params.name} from draft version ${draft.number}. Activate to make it run.` };
      return new Redirect(serviceHref(service.id, k.path));
    });
  }
}
