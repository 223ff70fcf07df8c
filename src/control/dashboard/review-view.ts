// The activation review as the Activate page draws it: per object kind what is added, changed
// (field by field, custom VCL as a line diff) and removed, then the settings. Added and removed
// objects are summed up in one line each, in the words of the forms that make them.
import type { ApiObject } from './data.ts';
import { REVIEW_KINDS, isEmptyObjectDiff, type FieldChange, type ObjectDiff, type ReviewKind, type VersionDiff, type VersionObjects } from './diff.ts';
import { html, type Html } from './html.ts';
import { lineDiff } from './text-diff.ts';

const TITLES: Readonly<Record<ReviewKind, string>> = {
  domain: 'Domains', backend: 'Backends', healthcheck: 'Health checks', director: 'Directors', vcl: 'Custom VCL',
  condition: 'Conditions', header: 'Headers', request_settings: 'Request settings', response_object: 'Synthetic responses',
  cache_settings: 'Cache settings', gzip: 'Gzip',
};

const DIRECTOR_TYPES: Readonly<Record<string, string>> = { 1: 'random', 3: 'hash', 4: 'client' };

export function show(value: unknown): string {
  if (value === null || value === undefined) return 'unset';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(String).join(', ');
  return JSON.stringify(value);
}

function usedBy(hc: ApiObject, backends: readonly ApiObject[]): string {
  const names = backends.filter((b) => b.healthcheck === hc.name).map((b) => b.name);
  return names.length === 0 ? 'used by no backend' : `used by ${names.join(', ')}`;
}

function conditionWords(o: ApiObject): string {
  const names = ['request_condition', 'cache_condition', 'response_condition'].map((f) => o[f]).filter((n) => typeof n === 'string' && n !== '');
  return names.length === 0 ? ', always' : `, when ${names.join(' and ')}`;
}

/** One line that says what an added or removed object is. */
export function summary(kind: ReviewKind, o: ApiObject, backends: readonly ApiObject[]): string {
  switch (kind) {
    case 'domain': return typeof o.comment === 'string' && o.comment !== '' ? o.comment : '';
    case 'backend': return `${show(o.address)} port ${show(o.port)}${o.use_ssl === true ? ' with TLS' : ''}${typeof o.healthcheck === 'string' ? `, health check ${o.healthcheck}` : ', no health check'}`;
    case 'healthcheck': return `${show(o.method)} ${show(o.path)} expecting ${show(o.expected_response)}, every ${show(o.check_interval)} ms; ${usedBy(o, backends)}`;
    case 'director': return `${DIRECTOR_TYPES[String(o.type)] ?? show(o.type)} director over ${show(o.backends)}`;
    case 'condition': return `${show(o.type)}, priority ${show(o.priority)}: ${show(o.statement)}`;
    case 'header': return `${show(o.action)} ${show(o.type)} ${show(o.dst)}${o.src === null || o.src === undefined ? '' : ` from ${show(o.src)}`}${conditionWords(o)}`;
    case 'request_settings': return `${o.action === null || o.action === undefined ? 'no action' : show(o.action)}${o.force_ssl === true ? ', force TLS' : ''}${conditionWords(o)}`;
    case 'response_object': return `${show(o.status)} ${show(o.response)}${conditionWords(o)}`;
    case 'cache_settings': return `TTL ${show(o.ttl)} s, stale ${show(o.stale_ttl)} s${o.action === null || o.action === undefined ? '' : `, then ${show(o.action)}`}${conditionWords(o)}`;
    case 'gzip': return `${show(o.content_types)}; ${show(o.extensions)}${conditionWords(o)}`;
    case 'vcl': {
      const lines = String(o.content ?? '').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).length;
      return `${lines} line${lines === 1 ? '' : 's'}${o.main === true ? ', main' : ''}`;
    }
  }
}

function textDiff(name: string, before: unknown, after: unknown): Html {
  const hunks = lineDiff(String(before ?? ''), String(after ?? ''));
  if (hunks === null) return html`<p class="muted">Too many lines changed to show them one by one; see the file on the version pages.</p>`;
  // Each line is a block, so the lines need no newline between them (one would show as a blank line).
  const row = (kind: string, mark: string, oldNo: number | null, newNo: number | null, text: Html): Html =>
    html`<span class="tline tline-${kind}"><span class="tno" aria-hidden="true">${oldNo ?? ''}</span><span class="tno" aria-hidden="true">${newNo ?? ''}</span><span class="tmark" aria-hidden="true">${mark}</span>${text}</span>`;
  return html`${hunks.map((h) => html`<pre class="text-diff" tabindex="0" aria-label="${name}: changes from line ${h.oldStart} of the active version, line ${h.newStart} of this version"><code>${h.lines.map((l) => {
    if (l.kind === 'added') return row('added', '+', null, l.newLine, html`<ins><span class="sr-only">added: </span>${l.text}</ins>`);
    if (l.kind === 'removed') return row('removed', '−', l.oldLine, null, html`<del><span class="sr-only">removed: </span>${l.text}</del>`);
    return row('same', ' ', l.oldLine, l.newLine, html`<span>${l.text}</span>`);
  })}</code></pre>`)}`;
}

/** `textField`: the field whose value is a text shown as a line diff (a VCL file's content). */
function changesTable(name: string, changes: readonly FieldChange[], textField: string | null): Html {
  const text = changes.find((c) => c.field === textField);
  const fields = changes.filter((c) => c !== text);
  return html`${fields.length === 0 ? '' : html`<div class="table-wrap"><table class="table changes"><caption class="sr-only">Changes to ${name}</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Active</th><th scope="col">This version</th></tr></thead>
    <tbody>${fields.map((x) => html`<tr><th scope="row" class="mono">${x.field}</th><td class="mono"><del>${show(x.from)}</del></td><td class="mono"><ins>${show(x.to)}</ins></td></tr>`)}</tbody></table></div>`}
    ${text === undefined ? '' : textDiff(name, text.from, text.to)}`;
}

function kindView(kind: ReviewKind, d: ObjectDiff, before: VersionObjects | null, after: VersionObjects): Html {
  const line = (o: ApiObject, backends: readonly ApiObject[]): Html => {
    const s = summary(kind, o, backends);
    return html`<strong>${o.name}</strong>${s === '' ? '' : html` <span class="muted">— ${s}</span>`}`;
  };
  return html`<section class="review-kind" aria-labelledby="review-${kind}"><h4 id="review-${kind}">${TITLES[kind]}</h4><ul class="diff">
    ${d.added.map((o) => html`<li class="diff-added"><span class="diff-tag">Added</span> ${line(o, after.objects.backend)}${kind === 'vcl' ? textDiff(o.name, '', o.content) : ''}</li>`)}
    ${d.changed.map((c) => html`<li class="diff-changed"><span class="diff-tag">Changed</span> <strong>${c.name}</strong>${changesTable(c.name, c.changes, kind === 'vcl' ? 'content' : null)}</li>`)}
    ${d.removed.map((o) => html`<li class="diff-removed"><span class="diff-tag">Removed</span> ${line(o, before?.objects.backend ?? [])}${kind === 'vcl' ? textDiff(o.name, o.content, '') : ''}</li>`)}
  </ul></section>`;
}

/** Every change `diff` holds, kind by kind; kinds without changes are left out. */
export function reviewView(diff: VersionDiff, before: VersionObjects | null, after: VersionObjects): Html {
  const kinds = REVIEW_KINDS.filter((k) => !isEmptyObjectDiff(diff.objects[k]));
  return html`${kinds.map((k) => kindView(k, diff.objects[k], before, after))}
    ${diff.settings.length === 0 ? '' : html`<section class="review-kind" aria-labelledby="review-settings"><h4 id="review-settings">Settings</h4>
      <ul class="diff"><li class="diff-changed"><span class="diff-tag">Changed</span> <strong>settings</strong>${changesTable('settings', diff.settings, null)}</li></ul></section>`}`;
}
