// The dashboard's request shell: every page runs with a live session and an API client
// holding its token; every POST must carry the session's CSRF token and, for a read-only
// token, is refused here before any call (the API would refuse it too). Handlers return a
// page or a redirect (POST → redirect → GET, so a reload never repeats a write).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiClient, ApiFailure } from './api-client.ts';
import { html, type Html } from './html.ts';
import { page } from './layout.ts';
import { cookie, parseCookies, sameSecret, SESSION_COOKIE, type Session, type SessionStore } from './sessions.ts';

export interface Ctx {
  readonly session: Session;
  readonly api: ApiClient;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Form fields of a POST (form-urlencoded). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export class Redirect {
  readonly location: string;
  constructor(location: string) {
    this.location = location;
  }
}

export type Result = Html | Redirect;

/** A whole page with its status, for answers that are not 200. */
export class PageAnswer {
  readonly status: number;
  readonly html: Html;
  constructor(status: number, body: Html) {
    this.status = status;
    this.html = body;
  }
}

/** A JSON answer (the live-health fragments the script fetches). */
export class JsonAnswer {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

export interface DashboardEnv {
  readonly app: FastifyInstance;
  readonly sessions: SessionStore;
  readonly logger: Logger;
}

export function sessionOf(env: DashboardEnv, request: FastifyRequest): Session | null {
  return env.sessions.get(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
}

export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** Pages load scripts and styles from this server only, and are never framed or cached. */
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

function send(reply: FastifyReply, status: number, body: Html): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body.text);
}

function errorPage(session: Session | null, status: number, title: string, text: string): PageAnswer {
  return new PageAnswer(status, page({
    title, session, crumbs: [{ label: 'Services', href: '/dashboard/services' }, { label: title }],
    body: html`<section class="panel"><h1>${title}</h1><p class="error-text">${text}</p><p><a href="/dashboard/services">Back to services</a></p></section>`,
  }));
}

export function route(env: DashboardEnv, method: 'GET' | 'POST', url: string, handler: (ctx: Ctx) => Promise<Result | PageAnswer | JsonAnswer>): void {
  env.app.route({
    method, url,
    handler: async (request, reply) => {
      const session = sessionOf(env, request);
      if (session === null) {
        reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0, isSecure(request)));
        if (method === 'GET') return reply.redirect(`/dashboard/signin?next=${encodeURIComponent(request.url)}`, 303);
        return send(reply, 401, signedOutPage());
      }
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      if (method === 'POST') {
        const presented = typeof body._csrf === 'string' ? body._csrf : '';
        if (!sameSecret(presented, session.csrf)) {
          const a = errorPage(session, 403, 'Form expired', 'This form was not sent from this session (its CSRF token is missing or wrong). Reload the page and try again.');
          return send(reply, a.status, a.html);
        }
        if (session.readOnly) {
          const a = errorPage(session, 403, 'Read-only token', 'You signed in with a read-only token: you can look at everything but change nothing.');
          return send(reply, a.status, a.html);
        }
      }
      const ctx: Ctx = {
        session, api: new ApiClient(env.app, session.token), params: request.params as Record<string, string>,
        query: request.query as Record<string, string | undefined>, body, request, reply,
      };
      try {
        const result = await handler(ctx);
        if (result instanceof Redirect) return reply.redirect(result.location, 303);
        if (result instanceof PageAnswer) return send(reply, result.status, result.html);
        if (result instanceof JsonAnswer) return reply.header('cache-control', 'no-store').type('application/json').send(JSON.stringify(result.value));
        return send(reply, 200, result);
      } catch (err) {
        if (!(err instanceof ApiFailure)) throw err;
        if (err.status === 401) {
          env.sessions.delete(session.id);
          reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0, isSecure(request)));
          return reply.redirect('/dashboard/signin', 303);
        }
        const a = errorPage(session, err.status, err.msg, err.detail ?? err.msg);
        return send(reply, a.status, a.html);
      }
    },
  });
}

function signedOutPage(): Html {
  return page({
    title: 'Signed out', session: null,
    body: html`<section class="panel narrow"><h1>Your session has ended</h1><p>Nothing was changed. <a href="/dashboard/signin">Sign in again</a>.</p></section>`,
  });
}

export { send };
