// The `log` statement Fastly's generated VCL writes for a logging endpoint:
//   log {"syslog <service id> <endpoint name> :: "} <the format's expression>;
// The prefix routes the line to the endpoint (Fastly's "syslog" prefix is the same whatever the
// endpoint's type); src/edge/logging/route.ts reads it back at the edge.
import type * as A from '../../vcl/syntax/index.ts';
import { build as B } from '../../vcl/syntax/index.ts';

const NO_COMMENTS: A.NodeComments = { leading: [], trailing: null };

export function logPrefix(serviceId: string, endpoint: string): string {
  return `syslog ${serviceId} ${endpoint} :: `;
}

export function logStatement(serviceId: string, endpoint: string, line: A.Expression): A.LogStatement {
  const parts = [B.str(logPrefix(serviceId, endpoint)), ...(line.kind === 'Concat' ? line.parts : [line])];
  const value: A.Expression = { kind: 'Concat', parts, separators: parts.slice(1).map(() => ' ' as const), start: 0, end: 0, comments: NO_COMMENTS };
  return { kind: 'Log', value, start: 0, end: 0, comments: NO_COMMENTS };
}
