// `lacquer healthcheck create|list|describe|update|delete`: probe definitions that backends
// name in `--healthcheck` (https://www.fastly.com/documentation/reference/api/services/healthcheck/).
// Times are milliseconds, as in the API.
import type { Command } from 'commander';
import type { FieldFlag } from '../fields.ts';
import { registerResourceVerbs } from '../resource.ts';

export const HEALTHCHECK_FIELDS: readonly FieldFlag[] = [
  { field: 'method', description: 'HTTP method of the probe (default HEAD)' },
  { field: 'host', description: 'Host header of the probe (default: the backend\'s)' },
  { field: 'path', description: 'path to probe (default /)' },
  { field: 'http_version', description: '1.0 or 1.1 (default 1.1)' },
  { field: 'headers', flag: 'header', type: 'list', description: 'a "Name: value" header added to the probe' },
  { field: 'expected_response', description: 'status code that counts as healthy (default 200)' },
  { field: 'check_interval', description: 'ms between probes, 1000–3600000 (default 5000)' },
  { field: 'timeout', description: 'ms a probe may take (default 500)' },
  { field: 'window', description: 'how many recent probes are kept (default 5, at most 64)' },
  { field: 'threshold', description: 'good probes in the window needed to be healthy (default 3)' },
  { field: 'initial', description: 'probes counted as good at start (default 2)' },
  { field: 'comment', description: 'a descriptive note' },
];

export function registerHealthcheck(program: Command): Command {
  const noun = program.command('healthcheck').description('manage the healthchecks (probes) of a service version');
  return registerResourceVerbs(noun, {
    kind: 'healthcheck',
    fields: HEALTHCHECK_FIELDS,
    columns: [
      { header: 'NAME', value: 'name' },
      { header: 'METHOD', value: 'method' },
      { header: 'HOST', value: 'host' },
      { header: 'PATH', value: 'path' },
      { header: 'EXPECTED_RESPONSE', value: 'expected_response' },
      { header: 'CHECK_INTERVAL', value: 'check_interval' },
      { header: 'WINDOW', value: 'window' },
      { header: 'THRESHOLD', value: 'threshold' },
      { header: 'HEADERS', value: 'headers' },
    ],
  });
}
