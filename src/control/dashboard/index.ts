// The web dashboard (docs/dashboard.md): server-rendered pages under /dashboard that read and write
// only through the control API they are mounted on.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerAssets } from './assets.ts';
import type { DashboardEnv } from './context.ts';
import { registerEvents } from './events.ts';
import { registerActivate } from './pages/activate.ts';
import { registerBackendForm } from './pages/backend-form.ts';
import { registerBackends } from './pages/backends.ts';
import { registerDomains } from './pages/domains.ts';
import { registerLiveData } from './pages/live-data.ts';
import { registerNotFound } from './pages/not-found.ts';
import { registerRules } from './pages/rules.ts';
import { registerServices } from './pages/services.ts';
import { registerSignin } from './pages/signin.ts';
import { registerTls } from './pages/tls.ts';
import { registerVersions } from './pages/versions.ts';
import { SessionStore } from './sessions.ts';

export interface DashboardDeps {
  readonly logger: Logger;
  /** Sessions (tests pass one with a clock); default: in memory, 8 h. */
  readonly sessions?: SessionStore;
}

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const env: DashboardEnv = { app, logger: deps.logger, sessions: deps.sessions ?? new SessionStore() };
  registerAssets(env);
  registerSignin(env);
  registerServices(env);
  registerBackends(env);
  registerBackendForm(env);
  registerDomains(env);
  registerRules(env);
  registerLiveData(env);
  registerVersions(env);
  registerActivate(env);
  registerTls(env);
  registerEvents(env);
  registerNotFound(env);
}

export { SessionStore, SESSION_COOKIE, SESSION_TTL_MS } from './sessions.ts';
export { html, raw, escapeHtml, Html } from './html.ts';
