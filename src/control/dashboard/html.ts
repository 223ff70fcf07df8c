// A tiny tagged template for server-rendered pages: every interpolated value is escaped
// unless it is already Html (made by this tag or by `raw`), so markup from the API (names,
// addresses, diagnostics) can never become markup on the page (OWASP XSS cheat sheet, rule 1).

export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A value as it lands in the page: Html as is, arrays joined, null/undefined/false as nothing. */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup (already escaped by its maker). */
export function raw(text: string): Html {
  return new Html(text);
}
