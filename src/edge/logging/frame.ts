// How a line is framed for its endpoint's `message_type` (Fastly's logging API):
//   classic  RFC 3164-style header: `<134>2026-01-01T00:00:00Z <host> <endpoint>: <line>`
//   loggly   RFC 5424 header:      `<134>1 2026-01-01T00:00:00Z <host> <endpoint> - - - <line>`
//   logplex  RFC 5424 with the octet count in front (RFC 6587 §3.4.1 octet-counting)
//   blank    the line as it is
// 134 is facility local0, severity info (RFC 5424 §6.2.1). A syslog `token` goes in front of
// the line ("a string prefix to send in front of each log line").
import { Buffer } from 'node:buffer';
export type MessageType = 'classic' | 'loggly' | 'logplex' | 'blank';

export interface FrameContext {
  readonly host: string;
  readonly endpoint: string;
  readonly now: () => Date;
}

/** The endpoint name in a syslog header is one token: spaces become `_` (RFC 5424 §6.2.5 APP-NAME). */
function appName(name: string): string {
  return name.replace(/\s/g, '_') || '-';
}

/** RFC 3339 time to the second, made once per second (every line of a second shares it). */
let stamp = { second: -1, text: '' };
function timestamp(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (stamp.second !== second) stamp = { second, text: new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return stamp.text;
}

export function frameLine(line: string, type: MessageType, ctx: FrameContext, token: string | null = null): string {
  const body = token === null ? line : `${token} ${line}`;
  if (type === 'blank') return body;
  const time = timestamp(ctx.now());
  switch (type) {
    case 'classic': return `<134>${time} ${ctx.host} ${appName(ctx.endpoint)}: ${body}`;
    case 'loggly': return `<134>1 ${time} ${ctx.host} ${appName(ctx.endpoint)} - - - ${body}`;
    case 'logplex': {
      const message = `<134>1 ${time} ${ctx.host} ${appName(ctx.endpoint)} - - ${body}`;
      return `${Buffer.byteLength(message)} ${message}`;
    }
  }
}
