// Health as the pages draw it: per POP a badge that says the state in words (colour is never the
// only signal, WCAG 1.4.1) and the happy register `bits.H` (oldest first, as Varnish's
// `backend.list -p` prints it) as a strip of 64 cells. A POP that has not summarised its health
// lately is `stale` (DESIGN.md §4.6): its badge says so, never healthy, and its last state stays
// in the strip and the title.
import { html, type Html } from './html.ts';
import type { HealthEntry } from './data.ts';

export function badge(e: HealthEntry): Html {
  const forced = e.admin !== 'auto' ? ` (set ${e.admin})` : '';
  if (e.stale === true) {
    return html`<span class="badge badge-none" data-state="stale"><span aria-hidden="true">◌</span> Stale${forced}</span>`;
  }
  return html`<span class="badge ${e.healthy ? 'badge-ok' : 'badge-bad'}" data-state="${e.healthy ? 'healthy' : 'sick'}"><span aria-hidden="true">${e.healthy ? '●' : '▲'}</span> ${e.healthy ? 'Healthy' : 'Sick'}${forced}</span>`;
}

export function strip(bits: string): Html {
  const cells = bits.padStart(64, '-').slice(-64).split('');
  const good = cells.filter((c) => c !== '-').length;
  const label = `Last 64 probe results, oldest first: ${good} good, ${64 - good} failed or not run`;
  return html`<span class="strip" role="img" aria-label="${label}" title="${label}">${cells.map((c) => html`<i class="${c === '-' ? 'cell' : 'cell cell-good'}"></i>`)}</span>`;
}

/** The key a health fragment is found by on the page and in the live update. */
export function healthKey(vclName: string, pop: string): string {
  return `${vclName}|${pop}`;
}

export function popHealth(e: HealthEntry): Html {
  const state = `${e.good} of the last ${e.window} probes good (threshold ${e.threshold}); last: ${e.last_response || 'no probe yet'}`;
  const title = e.stale === true ? `No recent health summary from POP ${e.pop}, so not counted healthy. Last known: ${state}` : state;
  return html`<div class="pop-health" data-health-key="${healthKey(e.name, e.pop)}" title="${title}">
    <span class="pop-name">${e.pop}</span> ${badge(e)} ${strip(e.bits.H ?? '')}
    <span class="health-detail">${e.good}/${e.window} good · ${e.last_response || 'no probe yet'}</span>
  </div>`;
}

export function healthCell(entries: readonly HealthEntry[], engine: boolean, inActive: boolean): Html {
  if (!engine) return html`<span class="muted">No health engine in this process</span>`;
  if (entries.length === 0) return html`<span class="badge badge-none">${inActive ? 'Not probed' : 'Not active yet'}</span>`;
  return html`${entries.map(popHealth)}`;
}

export function summary(entries: readonly HealthEntry[] | null): Html {
  if (entries === null) return html`<span class="muted">unknown</span>`;
  if (entries.length === 0) return html`<span class="muted">no active backends</span>`;
  const stale = entries.filter((e) => e.stale === true).length;
  const sick = entries.filter((e) => !e.healthy && e.stale !== true).length;
  if (sick === 0 && stale === 0) return html`<span class="badge badge-ok"><span aria-hidden="true">●</span> ${entries.length} healthy</span>`;
  const parts = [sick > 0 ? `${sick} of ${entries.length} sick` : null, stale > 0 ? `${stale} of ${entries.length} stale` : null].filter((p) => p !== null);
  return sick > 0
    ? html`<span class="badge badge-bad"><span aria-hidden="true">▲</span> ${parts.join(', ')}</span>`
    : html`<span class="badge badge-none"><span aria-hidden="true">◌</span> ${parts.join(', ')}</span>`;
}
