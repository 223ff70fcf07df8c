// The page shell every dashboard page shares: skip link, header with the signed-in token's
// kind and a sign-out button, breadcrumbs, a one-time message, then the page. Scripts and
// styles come from this server only, never from outside hosts.
import { html, type Html } from './html.ts';
import type { Session } from './sessions.ts';

export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

export interface PageOptions {
  readonly title: string;
  readonly session: Session | null;
  readonly crumbs?: readonly Crumb[];
  readonly body: Html;
  /** Set on pages whose health updates live (`data-service` for the script). */
  readonly liveService?: string;
}

export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

export function page(opts: PageOptions): Html {
  const s = opts.session;
  const flash = s?.flash ?? null;
  if (s !== null) s.flash = null;
  const crumbs = opts.crumbs ?? [];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · lacquer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body${opts.liveService === undefined ? '' : html` data-service="${opts.liveService}"`}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/dashboard/services"><span class="brand-mark" aria-hidden="true">◆</span> lacquer</a>
  ${s === null ? '' : html`<nav aria-label="Main"><a href="/dashboard/services">Services</a>${s.serviceId === null ? html` <a href="/dashboard/tls">TLS</a>` : ''}</nav>
  <div class="who">
    <span class="token-kind">${s.readOnly ? 'Read-only token' : s.serviceId !== null ? 'Service token' : 'Admin token'}</span>
    <form method="post" action="/dashboard/signout">${csrfField(s)}<button type="submit" class="btn btn-quiet">Sign out</button></form>
  </div>`}
</header>
<main id="main" tabindex="-1">
${crumbs.length === 0 ? '' : html`<nav class="crumbs" aria-label="Breadcrumb"><ol>${crumbs.map((c, i) => (c.href === undefined || i === crumbs.length - 1
    ? html`<li><span aria-current="${i === crumbs.length - 1 ? 'page' : 'false'}">${c.label}</span></li>`
    : html`<li><a href="${c.href}">${c.label}</a></li>`))}</ol></nav>`}
${flash === null ? '' : html`<div class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</div>`}
${opts.body}
</main>
<div class="live-status" role="status" aria-live="polite" id="live-status"></div>
</body>
</html>
`;
}

/** The tabs of a service: Provisioning → Domains and Backends, Rules → Conditions and Headers, Live data, Versions, Activate. */
export function serviceTabs(sid: string, current: 'domains' | 'backends' | 'conditions' | 'headers' | 'live' | 'versions' | 'activate'): Html {
  const tab = (key: typeof current, label: string, href: string): Html =>
    html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const base = `/dashboard/services/${encodeURIComponent(sid)}`;
  return html`<nav class="tabs" aria-label="Service"><ul>
    ${tab('domains', 'Provisioning · Domains', `${base}/domains`)}
    ${tab('backends', 'Provisioning · Backends', `${base}/backends`)}
    ${tab('conditions', 'Rules · Conditions', `${base}/conditions`)}
    ${tab('headers', 'Rules · Headers', `${base}/headers`)}
    ${tab('live', 'Live data', `${base}/live`)}
    ${tab('versions', 'Versions', `${base}/versions`)}
    ${tab('activate', 'Activate', `${base}/activate`)}
  </ul></nav>`;
}

export function serviceHref(sid: string, ...rest: string[]): string {
  return ['/dashboard/services', encodeURIComponent(sid), ...rest.map(encodeURIComponent)].join('/');
}
