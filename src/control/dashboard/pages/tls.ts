// TLS (account-wide, like Fastly's TLS pages): the certificates uploaded, the domains each one
// names, when it expires, and which domain is served with which certificate; upload a private
// key or a certificate, activate a domain, deactivate one. Data comes only from the TLS API
// (/tls/*, DESIGN.md §4.2), so its rules and messages are the API's. A certificate within 30
// days of expiry is flagged (src/model/tls-expiry.ts). A pasted key is never echoed back.
import { ApiFailure } from '../api-client.ts';
import { PageAnswer, Redirect, route, type Ctx, type DashboardEnv } from '../context.ts';
import { html, type Html } from '../html.ts';
import { csrfField, page } from '../layout.ts';
import { expiryWarning } from '../../../model/tls-expiry.ts';

interface Resource {
  id: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, { data: { id: string } | Array<{ id: string }> | null }>;
}

const ids = (r: Resource, name: string): string[] => {
  const d = r.relationships?.[name]?.data;
  return Array.isArray(d) ? d.map((x) => x.id) : d === null || d === undefined ? [] : [d.id];
};
const attr = (r: Resource, name: string): string => String(r.attributes?.[name] ?? '');

/** Every page of a TLS list (the page size is the API's largest). */
async function all(ctx: Ctx, path: string): Promise<Resource[]> {
  const out: Resource[] = [];
  for (let n = 1; ; n++) {
    const doc = await ctx.api.get<{ data: Resource[]; meta: { total_pages: number } }>(`${path}?page[size]=100&page[number]=${n}`);
    out.push(...doc.data);
    if (n >= doc.meta.total_pages) return out;
  }
}

function textarea(name: string, label: string, help: string, placeholder: string, value = ''): Html {
  return html`<div class="field"><label for="tls-${name}">${label}</label>
    <textarea id="tls-${name}" name="${name}" rows="6" spellcheck="false" class="mono" aria-describedby="tls-${name}-help" placeholder="${placeholder}">${value}</textarea>
    <p class="help" id="tls-${name}-help">${help}</p></div>`;
}

function textInput(name: string, label: string, help: string, value = ''): Html {
  return html`<div class="field"><label for="tls-${name}">${label}</label>
    <input type="text" id="tls-${name}" name="${name}" value="${value}" spellcheck="false" autocomplete="off" aria-describedby="tls-${name}-help">
    <p class="help" id="tls-${name}-help">${help}</p></div>`;
}

async function tlsPage(ctx: Ctx, failure: { form: string; text: string } | null = null): Promise<Html> {
  const [certs, activations, keys] = await Promise.all([all(ctx, '/tls/certificates'), all(ctx, '/tls/activations'), all(ctx, '/tls/private_keys')]);
  const nameOf = (id: string): string => attr(certs.find((c) => c.id === id) ?? { id }, 'name') || id;
  const expiring = certs.flatMap((c) => {
    const w = expiryWarning(attr(c, 'not_after'));
    return w === null ? [] : [{ c, w }];
  });
  const writable = !ctx.session.readOnly;
  const error = (form: string): Html => (failure?.form === form ? html`<div class="flash flash-error" role="alert">${failure.text}</div>` : html``);
  const certRows = certs.map((c) => {
    const served = activations.filter((a) => ids(a, 'tls_certificate')[0] === c.id).map((a) => ids(a, 'tls_domain')[0]);
    const warning = expiryWarning(attr(c, 'not_after'));
    return html`<tr>
      <th scope="row">${attr(c, 'name')}<br><span class="mono muted">${c.id}</span></th>
      <td data-label="Domains" class="mono">${ids(c, 'tls_domains').join(', ')}</td>
      <td data-label="Expires">${attr(c, 'not_after')}${warning === null ? '' : html`<br><span class="badge badge-draft" data-expiry="warning"><span aria-hidden="true">⚠</span> ${warning}</span>`}</td>
      <td data-label="Issuer">${attr(c, 'issuer')}</td>
      <td data-label="Serves" class="mono">${served.length === 0 ? html`<span class="muted">not activated</span>` : served.join(', ')}</td>
    </tr>`;
  });
  const activationRows = activations.map((a) => html`<tr>
    <th scope="row" class="mono">${ids(a, 'tls_domain')[0]}</th>
    <td data-label="Certificate">${nameOf(ids(a, 'tls_certificate')[0])} <span class="mono muted">${ids(a, 'tls_certificate')[0]}</span></td>
    <td data-label="Actions" class="actions">${writable ? html`<form method="post" action="/dashboard/tls/activations/${a.id}/delete" class="inline"
      data-confirm="${`HTTPS for ${ids(a, 'tls_domain')[0]} stops on every edge node.`}">${csrfField(ctx.session)}<button type="submit" class="btn btn-small btn-danger">Deactivate<span class="sr-only"> ${ids(a, 'tls_domain')[0]}</span></button></form>` : html`<span class="muted">read-only</span>`}</td>
  </tr>`);
  return page({
    title: 'TLS', session: ctx.session,
    crumbs: [{ label: 'TLS' }],
    body: html`<h1>TLS certificates</h1>
    <p>HTTPS on the edge's <code>--tls</code> listener: each activated domain is served with its certificate, chosen by SNI, on every edge node.</p>
    ${expiring.length === 0 ? '' : html`<div class="warning-box" role="note" id="expiring"><h3>Certificates to renew</h3><ul>
      ${expiring.map(({ c, w }) => html`<li><strong>${attr(c, 'name')}</strong> (${ids(c, 'tls_domains').join(', ')}) ${w}. Upload a renewed certificate with <code>lacquer tls certificate update --id ${c.id}</code>.</li>`)}</ul></div>`}
    <section class="panel" aria-labelledby="certs-title"><h2 id="certs-title">Certificates</h2>
      ${certs.length === 0 ? html`<p class="muted">No certificate yet: upload its private key, then the certificate.</p>` : html`<div class="table-wrap"><table class="table stack" id="certificates">
        <thead><tr><th scope="col">Certificate</th><th scope="col">Domains</th><th scope="col">Expires</th><th scope="col">Issuer</th><th scope="col">Serves</th></tr></thead>
        <tbody>${certRows}</tbody></table></div>`}
    </section>
    <section class="panel" aria-labelledby="activations-title"><h2 id="activations-title">Activations</h2>
      ${activations.length === 0 ? html`<p class="muted">No domain is served over HTTPS yet.</p>` : html`<div class="table-wrap"><table class="table stack" id="activations">
        <thead><tr><th scope="col">Domain</th><th scope="col">Certificate</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${activationRows}</tbody></table></div>`}
      ${writable && certs.length > 0 ? html`<form method="post" action="/dashboard/tls/activations">${csrfField(ctx.session)}${error('activation')}
        <div class="grid"><div class="field"><label for="tls-certificate">Certificate</label><select id="tls-certificate" name="certificate">
          ${certs.map((c) => html`<option value="${c.id}">${attr(c, 'name')} (${ids(c, 'tls_domains').join(', ')})</option>`)}</select></div>
        ${textInput('domain', 'Domain', 'One of the certificate\'s domains; for a wildcard certificate, its wildcard name (*.example.com).')}</div>
        <div class="form-actions"><button type="submit" class="btn btn-primary">Activate</button></div></form>` : ''}
    </section>
    ${writable ? html`<section class="panel form-panel" aria-labelledby="upload-title"><h2 id="upload-title">Upload</h2>
      <p>${keys.length} private key${keys.length === 1 ? '' : 's'} uploaded. A key is never shown again once uploaded.</p>
      <form method="post" action="/dashboard/tls/keys">${csrfField(ctx.session)}${error('key')}
        ${textarea('key', 'Private key (PEM)', 'RSA (2048 bits or more) or ECDSA P-256, unencrypted.', '-----BEGIN PRIVATE KEY-----')}
        ${textInput('key_name', 'Name', 'A name to recognise the key by.')}
        <div class="form-actions"><button type="submit" class="btn btn-primary">Upload key</button></div></form>
      <form method="post" action="/dashboard/tls/certificates">${csrfField(ctx.session)}${error('certificate')}
        ${textarea('cert_blob', 'Certificate (PEM)', 'The certificate, then its intermediates. Its private key must be uploaded first.', '-----BEGIN CERTIFICATE-----')}
        ${textInput('cert_name', 'Name', 'Optional: defaults to the certificate\'s Common Name.')}
        <div class="form-actions"><button type="submit" class="btn btn-primary">Upload certificate</button></div></form>
    </section>` : ''}`,
  });
}

/** Runs a write; the API's refusal re-renders the page with its message next to the form. */
async function write(ctx: Ctx, form: string, done: string, action: () => Promise<unknown>): Promise<Redirect | PageAnswer> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
    return new PageAnswer(err.status, await tlsPage(ctx, { form, text: err.detail ?? err.msg }));
  }
  ctx.session.flash = { kind: 'ok', text: done };
  return new Redirect('/dashboard/tls');
}

export function registerTls(env: DashboardEnv): void {
  route(env, 'GET', '/dashboard/tls', (ctx) => tlsPage(ctx));
  const field = (ctx: Ctx, k: string): string => (typeof ctx.body[k] === 'string' ? String(ctx.body[k]).trim() : '');
  route(env, 'POST', '/dashboard/tls/keys', (ctx) => write(ctx, 'key', 'Uploaded the private key.', () =>
    ctx.api.call('POST', '/tls/private_keys', { data: { type: 'tls_private_key', attributes: { key: field(ctx, 'key'), name: field(ctx, 'key_name') } } })));
  route(env, 'POST', '/dashboard/tls/certificates', (ctx) => write(ctx, 'certificate', 'Uploaded the certificate.', () =>
    ctx.api.call('POST', '/tls/certificates', { data: { type: 'tls_certificate', attributes: { cert_blob: field(ctx, 'cert_blob'), name: field(ctx, 'cert_name') } } })));
  route(env, 'POST', '/dashboard/tls/activations', (ctx) => write(ctx, 'activation', `Activated ${field(ctx, 'domain')}: every edge node serves it over HTTPS.`, () =>
    ctx.api.call('POST', '/tls/activations', { data: { type: 'tls_activation', relationships: {
      tls_certificate: { data: { type: 'tls_certificate', id: field(ctx, 'certificate') } }, tls_domain: { data: { type: 'tls_domain', id: field(ctx, 'domain') } },
    } } })));
  route(env, 'POST', '/dashboard/tls/activations/:id/delete', (ctx) => write(ctx, 'activation', 'Deactivated: the domain is no longer served over HTTPS.', () =>
    ctx.api.call('DELETE', `/tls/activations/${encodeURIComponent(ctx.params.id)}`)));
}
