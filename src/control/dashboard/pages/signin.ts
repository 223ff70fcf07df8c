// Sign in with an API token, sign out. The token is checked by asking the API who it is
// (GET /tokens/self); only then is a session made. The browser never gets the token back.
import { ApiClient } from '../api-client.ts';
import { isSecure, send, sessionOf, type DashboardEnv } from '../context.ts';
import { html } from '../html.ts';
import { page } from '../layout.ts';
import { cookie, parseCookies, randomId, sameSecret, SESSION_COOKIE, SESSION_TTL_MS, SIGNIN_COOKIE, SIGNIN_TTL_MS } from '../sessions.ts';

/** Only local dashboard paths may be a `next` target (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[^/\\]|$|\?)/.test(next) && !next.startsWith('/dashboard/signin') ? next : '/dashboard/services';
}

function signinPage(nonce: string, next: string, error: string | null) {
  return page({
    title: 'Sign in', session: null,
    body: html`<section class="panel narrow signin">
  <h1>Sign in</h1>
  <p>Use an API token: the one in <code>data/admin-token</code>, the one given with <code>--token</code>, or one made with <code>lacquer token create</code>.</p>
  <form method="post" action="/dashboard/signin" novalidate>
    <input type="hidden" name="_signin" value="${nonce}">
    <input type="hidden" name="next" value="${next}">
    <div class="field${error === null ? '' : ' has-error'}">
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false"${error === null ? '' : html` aria-invalid="true" aria-describedby="token-error"`}>
      ${error === null ? '' : html`<p class="field-error" id="token-error">${error}</p>`}
    </div>
    <button class="btn btn-primary" type="submit">Sign in</button>
  </form>
</section>`,
  });
}

export function registerSignin(env: DashboardEnv): void {
  const { app, sessions } = env;

  app.get('/dashboard', async (request, reply) => reply.redirect(sessionOf(env, request) === null ? '/dashboard/signin' : '/dashboard/services', 303));

  app.get('/dashboard/signin', async (request, reply) => {
    if (sessionOf(env, request) !== null) return reply.redirect('/dashboard/services', 303);
    const nonce = randomId();
    reply.header('set-cookie', cookie(SIGNIN_COOKIE, nonce, SIGNIN_TTL_MS, isSecure(request)));
    return send(reply, 200, signinPage(nonce, safeNext((request.query as Record<string, unknown>).next), null));
  });

  app.post('/dashboard/signin', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const expected = parseCookies(request.headers.cookie)[SIGNIN_COOKIE] ?? '';
    const fail = (status: number, message: string) => {
      const nonce = randomId();
      reply.header('set-cookie', cookie(SIGNIN_COOKIE, nonce, SIGNIN_TTL_MS, isSecure(request)));
      return send(reply, status, signinPage(nonce, next, message));
    };
    if (expected === '' || typeof body._signin !== 'string' || !sameSecret(body._signin, expected)) {
      return fail(403, 'This sign-in form has expired. Enter the token again.');
    }
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (token === '') return fail(400, 'Enter an API token.');
    const self = await new ApiClient(app, token).request('GET', '/tokens/self');
    if (self.status !== 200) return fail(401, 'This token was not accepted: it is unknown or was revoked.');
    const info = self.body as { scope?: string; services?: string[] };
    const session = sessions.create(token, { readOnly: info.scope === 'global:read', serviceId: info.services?.[0] ?? null });
    reply.header('set-cookie', [
      cookie(SIGNIN_COOKIE, '', 0, isSecure(request)),
      cookie(SESSION_COOKIE, session.id, SESSION_TTL_MS, isSecure(request)),
    ]);
    return reply.redirect(next, 303);
  });

  app.post('/dashboard/signout', async (request, reply) => {
    const session = sessionOf(env, request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Signing out needs the CSRF token too, so another site cannot end the session.
    if (session !== null && typeof body._csrf === 'string' && sameSecret(body._csrf, session.csrf)) sessions.delete(session.id);
    else if (session !== null) return reply.code(403).type('text/plain; charset=utf-8').send('Form expired: reload the page and sign out again.');
    reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0, isSecure(request)));
    return reply.redirect('/dashboard/signin', 303);
  });
}
