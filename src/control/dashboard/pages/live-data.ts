// Service → Live data: the items of the service's dictionaries and the entries of its ACLs,
// edited on the running service. They are versionless (DESIGN.md §1): a change here goes to
// the API's item and entry routes, which the edge applies within a second, with no draft, no
// clone and no activation — which is why this page never offers one. The dictionaries and ACLs
// themselves are listed from the active version (else the working one); a write-only
// dictionary's items are never shown, only set.
import { apiPath, ApiFailure } from '../api-client.ts';
import { Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { activeVersion, getService, workingVersion, type ApiObject } from '../data.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page, serviceHref, serviceTabs } from '../layout.ts';

interface LiveObject extends ApiObject { readonly id: string; readonly write_only?: boolean }

async function objects(ctx: Ctx, sid: string, version: number, kind: 'dictionary' | 'acl'): Promise<LiveObject[]> {
  return ctx.api.call<LiveObject[]>('GET', apiPath('service', sid, 'version', version, kind));
}

function deleteButton(ctx: Ctx, action: string, label: string): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfField(ctx.session)}
    <button type="submit" class="btn btn-small btn-danger">Delete<span class="sr-only"> ${label}</span></button></form>`;
}

async function dictionaryPanel(ctx: Ctx, sid: string, d: LiveObject): Promise<Html> {
  const items = d.write_only === true ? [] : await ctx.api.call<ApiObject[]>('GET', `${apiPath('service', sid, 'dictionary', d.id, 'items')}?per_page=1000`);
  const base = serviceHref(sid, 'live', 'dictionary', d.id);
  const rows = items.map((i) => html`<tr><th scope="row" class="mono">${String(i.item_key)}</th><td class="mono" data-label="Value">${String(i.item_value)}</td>
    <td class="actions" data-label="Actions">${ctx.session.readOnly ? '' : deleteButton(ctx, `${base}/item/${encodeURIComponent(String(i.item_key))}/delete`, String(i.item_key))}</td></tr>`);
  return html`<section class="panel" aria-labelledby="dict-${d.id}">
    <h3 id="dict-${d.id}">Dictionary <span class="mono">${d.name}</span>${d.write_only === true ? html` <span class="badge badge-none">write-only</span>` : ''}</h3>
    ${d.write_only === true ? html`<p class="muted">Its items are never read back; you can still set and delete them.</p>`
      : items.length === 0 ? html`<p class="muted">No items.</p>`
        : html`<div class="table-wrap"><table class="table stack"><caption class="sr-only">Items of ${d.name}</caption>
        <thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
    ${ctx.session.readOnly ? '' : html`<form method="post" action="${base}/item" class="grid">${csrfField(ctx.session)}
      <div class="field"><label for="k-${d.id}">Key</label><input type="text" id="k-${d.id}" name="item_key" required spellcheck="false"></div>
      <div class="field"><label for="v-${d.id}">Value</label><input type="text" id="v-${d.id}" name="item_value" spellcheck="false"></div>
      <div class="form-actions"><button type="submit" class="btn btn-primary">Set item</button></div></form>`}
  </section>`;
}

async function aclPanel(ctx: Ctx, sid: string, a: LiveObject): Promise<Html> {
  const entries = await ctx.api.call<ApiObject[]>('GET', `${apiPath('service', sid, 'acl', a.id, 'entries')}?per_page=1000`);
  const base = serviceHref(sid, 'live', 'acl', a.id);
  const rows = entries.map((e) => {
    const prefix = `${e.negated === 1 ? '!' : ''}${String(e.ip)}${e.subnet === null ? '' : `/${String(e.subnet)}`}`;
    return html`<tr><th scope="row" class="mono">${prefix}</th><td data-label="Comment">${String(e.comment ?? '')}</td>
      <td class="actions" data-label="Actions">${ctx.session.readOnly ? '' : deleteButton(ctx, `${base}/entry/${encodeURIComponent(String(e.id))}/delete`, prefix)}</td></tr>`;
  });
  return html`<section class="panel" aria-labelledby="acl-${a.id}">
    <h3 id="acl-${a.id}">ACL <span class="mono">${a.name}</span></h3>
    ${entries.length === 0 ? html`<p class="muted">No entries.</p>` : html`<div class="table-wrap"><table class="table stack"><caption class="sr-only">Entries of ${a.name}</caption>
      <thead><tr><th scope="col">Address</th><th scope="col">Comment</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
    ${ctx.session.readOnly ? '' : html`<form method="post" action="${base}/entry" class="grid">${csrfField(ctx.session)}
      <div class="field"><label for="ip-${a.id}">Address</label><input type="text" id="ip-${a.id}" name="ip" required spellcheck="false" placeholder="192.0.2.0"></div>
      <div class="field"><label for="sn-${a.id}">Prefix length</label><input type="text" id="sn-${a.id}" name="subnet" inputmode="numeric" placeholder="24"></div>
      <div class="field"><label for="cm-${a.id}">Comment</label><input type="text" id="cm-${a.id}" name="comment"></div>
      <div class="field"><label><input type="checkbox" name="negated" value="1"> Negated (excluded)</label></div>
      <div class="form-actions"><button type="submit" class="btn btn-primary">Add entry</button></div></form>`}
  </section>`;
}

async function livePage(ctx: Ctx): Promise<Html> {
  const s = await getService(ctx.api, ctx.params.sid);
  const shown = activeVersion(s) ?? workingVersion(s);
  const dictionaries = shown === null ? [] : await objects(ctx, s.id, shown.number, 'dictionary');
  const acls = shown === null ? [] : await objects(ctx, s.id, shown.number, 'acl');
  const panels = [...await Promise.all(dictionaries.map((d) => dictionaryPanel(ctx, s.id, d))), ...await Promise.all(acls.map((a) => aclPanel(ctx, s.id, a)))];
  return page({
    title: `${s.name} · Live data`, session: ctx.session,
    crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: s.name, href: serviceHref(s.id, 'backends') }, { label: 'Live data' }],
    body: html`<h1>${s.name}</h1>
    ${serviceTabs(s.id, 'live')}
    <section class="panel" aria-labelledby="live-title">
      <h2 id="live-title">Live data</h2>
      <p>Dictionary items and ACL entries change on the running service: the edge uses a change within a second, without a new version or an activation.${shown === null ? '' : html` Showing the dictionaries and ACLs of version ${shown.number}.`}</p>
      ${panels.length === 0 ? html`<p class="muted">This service has no dictionary or ACL. Add one to a version through the API or <code>lacquer dictionary create</code>, then activate it.</p>` : ''}
    </section>
    ${panels}`,
  });
}

/** Runs a live change; an API refusal (400/404/409) is shown as a flash on the page, nothing else changes. */
async function change(ctx: Ctx, what: string, fn: () => Promise<unknown>): Promise<Redirect> {
  try {
    await fn();
    ctx.session.flash = { kind: 'ok', text: `${what}. The edge uses it within a second; no activation needed.` };
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.status >= 500) throw err;
    ctx.session.flash = { kind: 'error', text: `Nothing was changed: ${err.detail ?? err.msg}` };
  }
  return new Redirect(serviceHref(ctx.params.sid, 'live'));
}

export function registerLiveData(env: DashboardEnv): void {
  const base = '/dashboard/services/:sid/live';
  route(env, 'GET', base, livePage);
  const text = (ctx: Ctx, k: string): string => (typeof ctx.body[k] === 'string' ? String(ctx.body[k]) : '');
  route(env, 'POST', `${base}/dictionary/:id/item`, (ctx) => change(ctx, `Set item ${text(ctx, 'item_key')}`, () =>
    ctx.api.call('PUT', apiPath('service', ctx.params.sid, 'dictionary', ctx.params.id, 'item', text(ctx, 'item_key')), { item_value: text(ctx, 'item_value') })));
  route(env, 'POST', `${base}/dictionary/:id/item/:key/delete`, (ctx) => change(ctx, `Deleted item ${ctx.params.key}`, () =>
    ctx.api.call('DELETE', apiPath('service', ctx.params.sid, 'dictionary', ctx.params.id, 'item', ctx.params.key))));
  route(env, 'POST', `${base}/acl/:id/entry`, (ctx) => change(ctx, `Added entry ${text(ctx, 'ip')}`, () => {
    const body: Record<string, unknown> = { ip: text(ctx, 'ip'), negated: text(ctx, 'negated') === '1' ? 1 : 0 };
    if (text(ctx, 'subnet').trim() !== '') body.subnet = text(ctx, 'subnet').trim();
    if (text(ctx, 'comment') !== '') body.comment = text(ctx, 'comment');
    return ctx.api.call('POST', apiPath('service', ctx.params.sid, 'acl', ctx.params.id, 'entry'), body);
  }));
  route(env, 'POST', `${base}/acl/:id/entry/:entry/delete`, (ctx) => change(ctx, 'Deleted the entry', () =>
    ctx.api.call('DELETE', apiPath('service', ctx.params.sid, 'acl', ctx.params.id, 'entry', ctx.params.entry))));
}
