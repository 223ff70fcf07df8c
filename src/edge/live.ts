// Versionless data at the edge (DESIGN.md §1, §4.6): a dictionary's items or an ACL's entries
// replaced in the running CompiledService, in place, between two requests (the worker's
// message loop is the only writer: ./runtime.ts). No compilation, no swap of the service: a
// request already running sees the new contents from its next lookup on.
import type { Logger } from 'pino';
import { replaceTable, type ServiceSource } from '../vcl/index.ts';
import type { LiveUpdate } from './messages.ts';
import type { ServiceTable } from './service-table.ts';

/** Applies an update to the service the table routes; one it does not know is skipped (a later full install carries it). */
export function applyLiveUpdate(table: ServiceTable, change: LiveUpdate, logger: Logger): void {
  const live = table.get(change.serviceId)?.live;
  if (live === undefined) return;
  if (change.type === 'table') {
    if (!replaceTable(live, change.name, change.items)) logger.warn({ service: change.serviceId, table: change.name }, 'a dictionary changed whose table the running service does not declare');
    return;
  }
  const acl = live.acls.get(change.name);
  const error = acl === undefined ? 'the running service does not declare it' : acl.replace(change.entries);
  if (error !== null) logger.warn({ service: change.serviceId, acl: change.name, error }, 'an ACL\'s entries could not be applied; keeping the previous ones');
}

/** The source with the update in it, for a worker that starts later (./process/edge.ts keeps the sources). */
export function sourceWithLiveUpdate(source: ServiceSource, change: LiveUpdate): ServiceSource {
  if (change.type === 'table') {
    return { ...source, dictionaries: source.dictionaries?.map((d) => (d.name === change.name ? { ...d, items: change.items } : d)) };
  }
  return { ...source, acls: source.acls?.map((a) => (a.name === change.name ? { ...a, entries: change.entries } : a)) };
}
