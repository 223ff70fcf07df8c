// What a command prints. Tables by default, for people: a header row in capitals and columns
// separated by two spaces (as the Fastly CLI prints lists), `key: value` lines for one object.
// `--json` prints the API's own JSON instead, unchanged, for scripts. Notices (such as which
// version --autoclone created) go to stderr so stdout stays parseable in both modes.

export interface Column {
  readonly header: string;
  /** The API field shown, or a function of the whole record. */
  readonly value: string | ((row: Readonly<Record<string, unknown>>) => unknown);
}

export type ApiObject = Readonly<Record<string, unknown>>;

/** One cell: null and empty lists as `-`, lists joined by `, `. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

export function renderList(rows: readonly ApiObject[], columns: readonly Column[]): string {
  const cells = rows.map((row) => columns.map((c) => formatValue(typeof c.value === 'string' ? row[c.value] : c.value(row))));
  return formatTable(columns.map((c) => c.header), cells);
}

/**
 * `key: value` for each scalar field; a multi-line string (VCL content, PEM) as `key: |` with
 * its lines indented; lists of objects (a service's versions) are left to the caller's table.
 */
export function renderRecord(record: ApiObject, omit: readonly string[] = []): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (omit.includes(key)) continue;
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) continue;
    if (typeof value === 'string' && value.includes('\n')) {
      out.push(`${key}: |`, ...value.replace(/\n$/, '').split('\n').map((l) => `  ${l}`.trimEnd()));
    } else {
      out.push(`${key}: ${formatValue(value)}`);
    }
  }
  return out.map((l) => `${l}\n`).join('');
}

export interface Streams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export class Output {
  readonly json: boolean;
  readonly #streams: Streams;

  constructor(json: boolean, streams: Streams = process) {
    this.json = json;
    this.#streams = streams;
  }

  list(rows: readonly ApiObject[], columns: readonly Column[]): void {
    this.#streams.stdout.write(this.json ? toJson(rows) : renderList(rows, columns));
  }

  record(record: ApiObject, omit: readonly string[] = []): void {
    this.#streams.stdout.write(this.json ? toJson(record) : renderRecord(record, omit));
  }

  /** A write verb's result: the API's answer with --json, else one line saying what was done. */
  done(message: string, body: unknown): void {
    this.#streams.stdout.write(this.json ? toJson(body) : `${message}\n`);
  }

  /** Plain text for people (tables under a record); nothing in --json mode. */
  text(text: string): void {
    if (!this.json) this.#streams.stdout.write(text);
  }

  notice(message: string): void {
    this.#streams.stderr.write(`${message}\n`);
  }
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
