// A logging endpoint → how its lines leave this worker: the framing of each line, the batch
// limits of its queue and the sender of a batch (./syslog.ts, ./http.ts, ./s3.ts). Batch limits
// are the endpoint's own where Fastly has them (request_max_entries, request_max_bytes, period,
// file_max_bytes); otherwise the receiving service's documented request limits.
import os from 'node:os';
import type tls from 'node:tls';
import type { LoggingType } from '../../model/api/logging/index.ts';
import type { LoggingEndpoint } from '../../model/logging/endpoint.ts';
import { frameLine, type MessageType } from './frame.ts';
import { HttpSender } from './http.ts';
import * as P from './payloads.ts';
import { S3Sender } from './s3.ts';
import { SyslogSender } from './syslog.ts';

export interface Delivery {
  readonly frame: (line: string) => string;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly periodMs: number;
  readonly send: (lines: readonly string[]) => Promise<void>;
  readonly close: () => void;
}

/** Where an operator points a vendor's fixed intake instead (`--log-intake`): by type, an origin URL. */
export type LogIntake = Partial<Record<LoggingType, string>>;

const MiB = 1024 * 1024;
const HOST = os.hostname();

function tlsOptions(r: { tls_ca_cert: string | null; tls_client_cert: string | null; tls_client_key: string | null; tls_hostname: string | null }): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = {};
  if (r.tls_ca_cert !== null) o.ca = r.tls_ca_cert;
  if (r.tls_client_cert !== null) o.cert = r.tls_client_cert;
  if (r.tls_client_key !== null) o.key = r.tls_client_key;
  if (r.tls_hostname !== null) o.servername = r.tls_hostname;
  return o;
}

function framer(name: string, type: MessageType, token: string | null = null): (line: string) => string {
  const ctx = { host: HOST, endpoint: name, now: () => new Date() };
  return (line) => frameLine(line, type, ctx, token);
}

const limit = (value: number, fallback: number): number => (value > 0 ? value : fallback);

function http(e: Omit<Delivery, 'send' | 'close'>, sender: HttpSender, batch: (lines: readonly string[]) => P.HttpBatch): Delivery {
  return { ...e, send: (lines) => sender.send(batch(lines)), close: () => sender.close() };
}

export function deliveryFor(endpoint: LoggingEndpoint, intake: LogIntake): Delivery {
  const name = endpoint.record.name;
  const via = (type: LoggingType): string | null => intake[type] ?? null;
  const plain = (): HttpSender => new HttpSender({ tls: {}, intake: via(endpoint.type), compression: null });
  // Vendors without a period field get lines out within a second, as Fastly streams them.
  const streaming = { periodMs: 1000 };
  switch (endpoint.type) {
    case 'syslog':
    case 'papertrail': {
      const r = endpoint.record;
      const syslog = endpoint.type === 'syslog' ? endpoint.record : null;
      const sender = new SyslogSender({
        host: r.address, port: r.port, protocol: syslog?.protocol ?? 'tcp', tls: syslog?.use_tls === true ? tlsOptions(syslog) : null,
        octetCounted: syslog?.message_type === 'logplex',
      });
      // Syslog is a stream: lines leave as soon as the event loop is free, in runs of up to 1000.
      return {
        frame: framer(name, syslog?.message_type ?? 'classic', syslog?.token ?? null), maxEntries: 1000, maxBytes: MiB, periodMs: 0,
        send: (lines) => sender.send(lines), close: () => sender.close(),
      };
    }
    case 'https': {
      const r = endpoint.record;
      const compression = r.compression_codec !== null ? { codec: r.compression_codec, level: 6 } : r.gzip_level > 0 ? { codec: 'gzip' as const, level: r.gzip_level } : null;
      const sender = new HttpSender({ tls: tlsOptions(r), intake: via('https'), compression });
      return http({ frame: framer(name, r.message_type), maxEntries: limit(r.request_max_entries, 10_000), maxBytes: limit(r.request_max_bytes, 10 * MiB), periodMs: r.period * 1000 },
        sender, (lines) => P.httpsBatch(r, lines));
    }
    case 's3': {
      const r = endpoint.record;
      const sender = new S3Sender(r, via('s3'));
      return {
        frame: framer(name, r.message_type), maxEntries: Number.MAX_SAFE_INTEGER, maxBytes: r.file_max_bytes ?? 64 * MiB, periodMs: r.period * 1000,
        send: (lines) => sender.send(lines), close: () => sender.close(),
      };
    }
    // Datadog: at most 1000 entries and 5 MB a request (Logs API limits).
    case 'datadog': return http({ frame: (l) => l, maxEntries: 1000, maxBytes: 5 * MiB, ...streaming }, plain(), (l) => P.datadogBatch(endpoint.record, l));
    case 'splunk': {
      const r = endpoint.record;
      return http({ frame: (l) => l, maxEntries: limit(r.request_max_entries, 10_000), maxBytes: limit(r.request_max_bytes, 10 * MiB), ...streaming },
        new HttpSender({ tls: tlsOptions(r), intake: via('splunk'), compression: null }), (l) => P.splunkBatch(r, l));
    }
    // New Relic: 1 MB a request (Log API limits).
    case 'newrelic': return http({ frame: (l) => l, maxEntries: 10_000, maxBytes: MiB, ...streaming }, plain(), (l) => P.newrelicBatch(endpoint.record, l));
    case 'honeycomb': return http({ frame: (l) => l, maxEntries: 1000, maxBytes: 5 * MiB, ...streaming }, plain(), (l) => P.honeycombBatch(endpoint.record, l));
    case 'elasticsearch': {
      const r = endpoint.record;
      return http({ frame: (l) => l, maxEntries: limit(r.request_max_entries, 10_000), maxBytes: limit(r.request_max_bytes, 10 * MiB), ...streaming },
        new HttpSender({ tls: tlsOptions(r), intake: via('elasticsearch'), compression: null }), (l) => P.elasticsearchBatch(r, l, new Date()));
    }
    case 'sumologic': return http({ frame: framer(name, endpoint.record.message_type), maxEntries: 10_000, maxBytes: MiB, ...streaming }, plain(), (l) => P.sumologicBatch(endpoint.record, l));
    // Loggly: 5 MB a bulk request.
    case 'loggly': return http({ frame: (l) => l, maxEntries: 10_000, maxBytes: 5 * MiB, ...streaming }, plain(), (l) => P.logglyBatch(endpoint.record, l));
  }
}
