// Logging endpoints → the `log` statements of Fastly's generated VCL: one per endpoint, in
// vcl_log for format_version 2 and in vcl_deliver for 1
// (https://www.fastly.com/documentation/reference/api/logging/ `format_version`, `placement`),
// under the endpoint's response_condition (./conditions.ts), labelled with the endpoint's
// name. `placement: none` generates nothing: the user's own VCL logs to the endpoint with
// `log {"syslog <service id> <name> :: "} …;` (Fastly: "changing log placement").
import type * as A from '../vcl/syntax/index.ts';
import { build as B, UnprintableStringError } from '../vcl/syntax/index.ts';
import type { Conditions } from './conditions.ts';
import type { Problems } from './generation-problems.ts';
import { formatExpression } from './logging/format.ts';
import type { LoggingEndpoint } from './logging/endpoint.ts';
import { logStatement } from './logging/statement.ts';

export function loggingCode(serviceId: string, endpoints: readonly LoggingEndpoint[], conditions: Conditions, problems: Problems): { log: A.Statement[]; deliver: A.Statement[] } {
  const code = { log: [] as A.Statement[], deliver: [] as A.Statement[] };
  for (const { type, record } of endpoints) {
    if (record.placement === 'none') continue;
    const owner = `logging ${type} "${record.name}"`;
    let statement: A.Statement;
    try {
      const made = formatExpression(record.format, record.format_version);
      if (!made.ok) {
        problems.add('invalid-log-format', `${owner}: format ${made.error.message}`);
        continue;
      }
      statement = logStatement(serviceId, record.name, made.expression);
    } catch (err) {
      if (!(err instanceof UnprintableStringError)) throw err;
      problems.add('unprintable-value', `${owner}: format ${err.reason}`);
      continue;
    }
    const wrapped = conditions.wrap(owner, 'response_condition', record.response_condition, [statement]);
    const [first, ...rest] = wrapped;
    const label = `logging ${type} ${record.name}`.replace(/[\r\n]/g, ' ');
    const labelled = [{ ...first, comments: { leading: [B.lineComment(label)], trailing: null } }, ...rest];
    (record.format_version === 1 ? code.deliver : code.log).push(...labelled);
  }
  return code;
}
