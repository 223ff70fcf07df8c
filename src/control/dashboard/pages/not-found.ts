// The dashboard's own 404: any /dashboard/… path no page answers gets an HTML page with a way
// back, not the API's JSON (find-my-way tries static and parametric routes before a wildcard,
// so this catches only what nothing else matches). It needs no session: it says nothing about
// the services, only that there is no such page.
import { send, sessionOf, type DashboardEnv } from '../context.ts';
import { html } from '../html.ts';
import { page } from '../layout.ts';

export function registerNotFound(env: DashboardEnv): void {
  env.app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/dashboard/*',
    handler: async (request, reply) => {
      const path = request.url.split('?')[0];
      // `/dashboard/` is the dashboard's own address with a slash, as people type it.
      if (path === '/dashboard/' && request.method === 'GET') return reply.redirect('/dashboard', 303);
      const session = sessionOf(env, request);
      return send(reply, 404, page({
        title: 'Page not found', session,
        crumbs: session === null ? [] : [{ label: 'Services', href: '/dashboard/services' }, { label: 'Page not found' }],
        body: html`<section class="panel narrow" aria-labelledby="not-found-title"><h1 id="not-found-title">Page not found</h1>
          <p>There is no dashboard page at <code>${path}</code>. The link may be old, or the service, backend or domain it named may have been deleted.</p>
          <nav aria-label="Ways back"><ul>${session === null
            ? html`<li><a href="/dashboard/signin">Sign in</a></li>`
            : html`<li><a href="/dashboard/services">All services</a></li>`}</ul></nav></section>`,
      }));
    },
  });
}
