// `lacquer logging <type> create|list|describe|update|delete`: the logging endpoints, with the
// Fastly CLI's verbs (`fastly logging syslog create --address …`). Each type's flags are its API
// fields in kebab case, read from the API's own resource (src/model/api/logging/), so the CLI
// offers exactly what the API takes.
import type { Command } from 'commander';
import { Kind } from '@sinclair/typebox';
import { LOGGING_ENDPOINTS, LOGGING_TYPES } from '../../model/api/logging/index.ts';
import type { FieldFlag } from '../fields.ts';
import type { Column } from '../output.ts';
import { registerResourceVerbs } from '../resource.ts';

const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  syslog: ['address', 'port', 'use_tls', 'message_type'], papertrail: ['address', 'port'], https: ['url', 'method', 'json_format'],
  s3: ['bucket_name', 'domain', 'path', 'period'], datadog: ['region'], splunk: ['url'], newrelic: ['region'], honeycomb: ['dataset'],
  elasticsearch: ['url', 'index'], sumologic: ['url'], loggly: [],
};

export function registerLogging(program: Command): void {
  const logging = program.command('logging').description('manage the logging endpoints of a service version (where its request logs stream)');
  for (const type of LOGGING_TYPES) {
    const resource = LOGGING_ENDPOINTS[type];
    const readOnly = new Set<string>(resource.readOnly ?? []);
    const fields: FieldFlag[] = Object.entries(resource.fields)
      .filter(([field, schema]) => field !== 'name' && !readOnly.has(field) && schema[Kind] !== 'Null')
      .map(([field, schema]) => ({
        field, description: String(schema.description ?? field),
        // The Fastly CLI's flag for an endpoint's token (--token is the API token's, src/cli/command.ts).
        ...(field === 'token' ? { flag: 'auth-token' } : {}),
        ...(schema[Kind] === 'Boolean' ? { type: 'bool' as const } : {}),
      }));
    const columns: Column[] = ['name', ...COLUMNS[type], 'format_version', 'response_condition'].map((f) => ({ header: f.toUpperCase(), value: f }));
    registerResourceVerbs(logging.command(type).description(`manage the ${type} logging endpoints of a service version`), { kind: `logging/${type}`, fields, columns });
  }
}
