// The backend form as data: each input, the API object and field it writes, and where it sits
// (the basic fields first, the rest in an advanced section). The healthcheck
// fields write a healthcheck object that the backend names; they carry an `hc_` prefix in
// the form so an API error about `path` lands next to the health-check URL.

export type FormValues = Record<string, string>;

export interface FormField {
  /** The input's name and id. */
  readonly name: string;
  readonly label: string;
  readonly object: 'backend' | 'healthcheck';
  /** The API field it writes. */
  readonly apiField: string;
  readonly kind: 'text' | 'number' | 'checkbox';
  readonly section: 'basic' | 'advanced';
  readonly help?: string;
  readonly placeholder?: string;
  /**
   * Fields with an API default are left out when blank, so the default applies; fields without
   * one send "" when blank, which the API reads as unset (DESIGN.md §4.2).
   */
  readonly omitWhenBlank: boolean;
}

const f = (name: string, label: string, object: FormField['object'], apiField: string, kind: FormField['kind'], section: FormField['section'],
  extra: Partial<Pick<FormField, 'help' | 'placeholder'>> = {}): FormField =>
  ({ name, label, object, apiField, kind, section, omitWhenBlank: kind === 'number' || apiField === 'path' || apiField === 'method', ...extra });

export const BACKEND_FIELDS: readonly FormField[] = [
  f('name', 'Name', 'backend', 'name', 'text', 'basic', { help: 'Descriptive and unique in the service, e.g. "origin-eu".' }),
  f('address', 'IP or DNS name', 'backend', 'address', 'text', 'basic', { placeholder: 'origin.example.com or 192.0.2.10' }),
  f('use_ssl', 'Connect with TLS (SSL)', 'backend', 'use_ssl', 'checkbox', 'basic'),
  f('port', 'Port', 'backend', 'port', 'number', 'basic', { help: 'Defaults to 80, or 443 with TLS.' }),
  f('hc_host', 'Health-check Host', 'healthcheck', 'host', 'text', 'basic', { help: 'Host header of the probe; blank: the backend\'s.' }),
  f('hc_path', 'Health-check URL', 'healthcheck', 'path', 'text', 'basic', { placeholder: '/health', help: 'Leave the three health-check fields blank for no health check.' }),
  f('hc_expected_response', 'Expected status', 'healthcheck', 'expected_response', 'number', 'basic', { placeholder: '200' }),
  f('connect_timeout', 'Connect timeout (ms)', 'backend', 'connect_timeout', 'number', 'advanced', { placeholder: '1000' }),
  f('first_byte_timeout', 'First byte timeout (ms)', 'backend', 'first_byte_timeout', 'number', 'advanced', { placeholder: '15000' }),
  f('between_bytes_timeout', 'Between bytes timeout (ms)', 'backend', 'between_bytes_timeout', 'number', 'advanced', { placeholder: '10000' }),
  f('max_conn', 'Max connections', 'backend', 'max_conn', 'number', 'advanced', { placeholder: '200' }),
  f('ssl_sni_hostname', 'SNI host name', 'backend', 'ssl_sni_hostname', 'text', 'advanced'),
  f('ssl_cert_hostname', 'Certificate host name', 'backend', 'ssl_cert_hostname', 'text', 'advanced'),
  f('ssl_check_cert', 'Verify the origin\'s certificate', 'backend', 'ssl_check_cert', 'checkbox', 'advanced'),
  f('override_host', 'Override Host header', 'backend', 'override_host', 'text', 'advanced'),
  f('share_key', 'Share key', 'backend', 'share_key', 'text', 'advanced', { help: 'Backends with the same definition and share key share one probe per POP. Blank: the service id, or a new key when used by several services.' }),
  f('hc_method', 'Health-check method', 'healthcheck', 'method', 'text', 'advanced', { placeholder: 'HEAD' }),
  f('hc_check_interval', 'Check interval (ms)', 'healthcheck', 'check_interval', 'number', 'advanced', { placeholder: '5000' }),
  f('hc_timeout', 'Health-check timeout (ms)', 'healthcheck', 'timeout', 'number', 'advanced', { placeholder: '500' }),
  f('hc_window', 'Window', 'healthcheck', 'window', 'number', 'advanced', { placeholder: '5' }),
  f('hc_threshold', 'Threshold', 'healthcheck', 'threshold', 'number', 'advanced', { placeholder: '3' }),
  f('hc_initial', 'Initial', 'healthcheck', 'initial', 'number', 'advanced', { placeholder: '2' }),
];

const BY_NAME = new Map(BACKEND_FIELDS.map((x) => [x.name, x]));

export const BACKEND_API_FIELDS = new Set(BACKEND_FIELDS.filter((x) => x.object === 'backend').map((x) => x.apiField));
export const HEALTHCHECK_API_FIELDS = new Set(BACKEND_FIELDS.filter((x) => x.object === 'healthcheck').map((x) => x.apiField));

export function field(name: string): FormField | undefined {
  return BY_NAME.get(name);
}

/** The form's values from a posted body (checkboxes absent when unchecked). */
export function valuesFromBody(body: Readonly<Record<string, unknown>>): FormValues {
  const out: FormValues = {};
  for (const x of BACKEND_FIELDS) {
    const v = body[x.name];
    const text = Array.isArray(v) ? String(v[v.length - 1]) : v === undefined ? '' : String(v);
    out[x.name] = x.kind === 'checkbox' ? (text === '1' || text === 'on' || text === 'true' ? '1' : '') : text.trim();
  }
  return out;
}

/** The form's values from the API objects being edited. */
export function valuesFromApi(backend: Readonly<Record<string, unknown>>, healthcheck: Readonly<Record<string, unknown>> | null): FormValues {
  const out: FormValues = {};
  for (const x of BACKEND_FIELDS) {
    const source = x.object === 'backend' ? backend : healthcheck;
    const v = source?.[x.apiField];
    out[x.name] = x.kind === 'checkbox' ? (v === true ? '1' : '') : v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** A new backend's form: certificate checks on, everything else blank (the API's defaults). */
export function blankValues(): FormValues {
  const out: FormValues = {};
  for (const x of BACKEND_FIELDS) out[x.name] = '';
  out.ssl_check_cert = '1';
  return out;
}

export function hasHealthcheck(values: FormValues): boolean {
  return values.hc_host !== '' || values.hc_path !== '' || values.hc_expected_response !== '';
}

/** The API body for one object, by the blank rules above; checkboxes are always sent. */
export function payload(values: FormValues, object: FormField['object']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const x of BACKEND_FIELDS) {
    if (x.object !== object) continue;
    const v = values[x.name] ?? '';
    if (x.kind === 'checkbox') out[x.apiField] = v === '1';
    else if (v !== '' || !x.omitWhenBlank) out[x.apiField] = v;
  }
  return out;
}
