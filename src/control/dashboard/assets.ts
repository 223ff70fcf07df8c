// The dashboard's stylesheet and script, read once at start and served from this server
// (no outside hosts, works offline).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardEnv } from './context.ts';

const TYPES = { 'dashboard.css': 'text/css; charset=utf-8', 'dashboard.js': 'text/javascript; charset=utf-8' } as const;

export function registerAssets(env: DashboardEnv): void {
  for (const [name, type] of Object.entries(TYPES)) {
    const body = readFileSync(join(import.meta.dirname, 'assets', name));
    env.app.get(`/dashboard/assets/${name}`, async (_request, reply) =>
      reply.type(type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body));
  }
}
