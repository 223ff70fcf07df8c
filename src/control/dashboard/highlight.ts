// Read-only VCL with syntax highlighting, from the project's own VCL lexer (src/vcl/syntax/lexer.ts):
// each token becomes a span classed by its kind, the text between tokens is copied, and the
// result is cut into lines so the page can number them.
import { lex, type Token } from '../../vcl/index.ts';
import { escapeHtml, html, raw, type Html } from './html.ts';

const KEYWORDS = new Set([
  'sub', 'if', 'else', 'elsif', 'elseif', 'set', 'unset', 'remove', 'return', 'call', 'error', 'synthetic', 'declare',
  'local', 'backend', 'director', 'table', 'acl', 'include', 'import', 'log', 'restart', 'esi', 'add', 'goto', 'penaltybox', 'ratecounter',
]);

function tokenClass(t: Token, text: string): string | null {
  switch (t.kind) {
    case 'comment': return 'tok-comment';
    case 'macro': case 'directive': return 'tok-macro';
    case 'string': return 'tok-string';
    case 'integer': case 'float': case 'rtime': case 'percent': return 'tok-number';
    case 'ident':
      if (KEYWORDS.has(text)) return 'tok-keyword';
      if (/^F_/.test(text)) return 'tok-backend';
      if (text.startsWith('.') || text.includes('.')) return 'tok-variable';
      return 'tok-ident';
    case 'eof': return null;
    default: return 'tok-operator';
  }
}

/** The source as numbered, highlighted lines (each an Html `<span class="line">`). */
export function highlightVcl(source: string): Html {
  const segments: Array<{ text: string; cls: string | null }> = [];
  let at = 0;
  for (const t of lex(source).tokens) {
    if (t.start > at) segments.push({ text: source.slice(at, t.start), cls: null });
    if (t.end > t.start) segments.push({ text: source.slice(t.start, t.end), cls: tokenClass(t, source.slice(t.start, t.end)) });
    at = Math.max(at, t.end);
  }
  if (at < source.length) segments.push({ text: source.slice(at), cls: null });
  const lines: string[] = [''];
  for (const seg of segments) {
    seg.text.split('\n').forEach((piece, i) => {
      if (i > 0) lines.push('');
      if (piece === '') return;
      const text = escapeHtml(piece);
      lines[lines.length - 1] += seg.cls === null ? text : `<span class="${seg.cls}">${text}</span>`;
    });
  }
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return html`<pre class="vcl" tabindex="0" aria-label="VCL source"><code>${lines.map((l) => html`<span class="line">${raw(l)}</span>\n`)}</code></pre>`;
}

/**
 * Where a backend's VCL name is used outside its own declaration (a director entry, a
 * `set req.backend`, custom VCL): `<file> line <n>: <text>` for the delete confirmation.
 */
export function vclUses(files: ReadonlyArray<{ name: string; content: string }>, vclName: string): string[] {
  const uses: string[] = [];
  for (const file of files) {
    const tokens = lex(file.content).tokens.filter((t) => t.kind !== 'comment');
    const lines = file.content.split('\n');
    const seen = new Set<number>();
    tokens.forEach((t, i) => {
      if (t.kind !== 'ident' || file.content.slice(t.start, t.end) !== vclName) return;
      const prev = tokens[i - 1];
      if (prev !== undefined && prev.kind === 'ident' && file.content.slice(prev.start, prev.end) === 'backend') return;
      const line = file.content.slice(0, t.start).split('\n').length;
      if (seen.has(line)) return;
      seen.add(line);
      uses.push(`${file.name} line ${line}: ${lines[line - 1].trim()}`);
    });
  }
  return uses;
}
