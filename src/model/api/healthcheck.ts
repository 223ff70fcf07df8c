// Healthcheck: https://www.fastly.com/documentation/reference/api/services/healthcheck/
// Everything here ends up in a probe request line, so no field may carry CR, LF or NUL.
import { HeaderList, Hostname, Int, Name, OneOf, Pattern, Text, TOKEN } from './fields.ts';
import { defineResource, type FieldError, type RecordOf } from './parse.ts';

export const healthcheck = defineResource({
  kind: 'healthcheck',
  fields: {
    name: Name('The name of the healthcheck'),
    method: Pattern(TOKEN, 'must be an HTTP method token (RFC 9110 §9)', 'Which HTTP method to use'),
    host: Hostname('Which host to check (default: the backend\'s Host)'),
    path: Pattern('^/[^\\s\\u0000]*$', 'must start with / and contain no whitespace, CR, LF or NUL', 'The path to check'),
    http_version: OneOf(['1.0', '1.1'] as const, 'Whether to use version 1.0 or 1.1 HTTP'),
    headers: HeaderList('Custom headers added to the probe request'),
    expected_response: Int(100, 599, 'The status code expected from the host'),
    check_interval: Int(1_000, 3_600_000, 'How often to run the healthcheck in milliseconds (1 s to 1 h)'),
    timeout: Int(1, 3_600_000, 'Timeout in milliseconds'),
    window: Int(1, 64, 'The number of most recent healthcheck results to keep'),
    threshold: Int(1, 64, 'How many healthchecks in the window must succeed to be healthy'),
    initial: Int(0, 64, 'Healthchecks counted as good when the configuration loads'),
    comment: Text('A freeform descriptive note', 8192),
  },
  required: ['name'],
  defaults: {
    method: 'HEAD', path: '/', http_version: '1.1', headers: [], expected_response: 200, check_interval: 5_000,
    timeout: 500, window: 5, threshold: 3, initial: 2,
  },
  normalize(record) {
    // Responses show headers as `Name: value`, sorted, whatever spacing the client used.
    const headers = (record.headers as string[] | null) ?? [];
    record.headers = headers.map((h) => {
      const colon = h.indexOf(':');
      return `${h.slice(0, colon).trim()}: ${h.slice(colon + 1).trim()}`;
    }).sort();
    if (typeof record.method === 'string') record.method = String(record.method).toUpperCase();
  },
  check(record) {
    const errors: FieldError[] = [];
    const { window, threshold, initial } = record as { window: number; threshold: number; initial: number };
    if (threshold > window) errors.push({ field: 'threshold', message: `threshold: must not exceed window (${window})` });
    if (initial > window) errors.push({ field: 'initial', message: `initial: must not exceed window (${window})` });
    return errors;
  },
});

export type HealthcheckRecord = RecordOf<typeof healthcheck>;
