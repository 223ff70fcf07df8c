// The request each HTTP endpoint type makes of a batch of lines, in the shape its service
// documents. Lines that are JSON objects (Fastly: "your log must produce valid JSON" for these
// services) are sent as objects; any other line as `{"message": line}`.
//   https          the endpoint's method, URL, content type and custom header; json_format 0: lines
//                  one per line; 1: a JSON array; 2: newline-delimited JSON (Fastly's https API)
//   datadog        POST https://http-intake.logs.<site>/api/v2/logs, DD-API-KEY, a JSON array
//                  (Datadog Logs API "Send logs")
//   splunk         POST <url>, Authorization: Splunk <token>, one {"event": …} object a line
//                  (Splunk HTTP Event Collector, services/collector/event)
//   newrelic       POST https://log-api(.eu).newrelic.com/log/v1, X-Insert-Key, [{"logs": […]}]
//                  (New Relic Log API, detailed JSON body)
//   honeycomb      POST https://api.honeycomb.io/1/batch/<dataset>, X-Honeycomb-Team, [{"data": …}]
//                  (Honeycomb Events API, batched events)
//   elasticsearch  POST <url>/_bulk[?pipeline=], NDJSON action/document pairs into the index
//                  (strftime applied to its name), basic auth (Elasticsearch Bulk API)
//   sumologic      POST <url>, the lines one per line (Sumo Logic HTTP Source)
//   loggly         POST https://logs-01.loggly.com/bulk/<token>/tag/bulk/, the lines one per line
//                  (Loggly bulk endpoint)
import { Buffer } from 'node:buffer';
import type { DatadogRecord, ElasticsearchRecord, HoneycombRecord, HttpsRecord, LogglyRecord, NewrelicRecord, SplunkRecord, SumologicRecord } from '../../model/api/logging/index.ts';
import { strftime } from '../../vcl/runtime/log-values.ts';

export interface HttpBatch {
  readonly method: 'POST' | 'PUT';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const DATADOG_SITES: Readonly<Record<DatadogRecord['region'], string>> = {
  US: 'datadoghq.com', US3: 'us3.datadoghq.com', US5: 'us5.datadoghq.com', EU: 'datadoghq.eu', AP1: 'ap1.datadoghq.com',
};

function asObject(line: string): unknown {
  if (line.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
    } catch { /* not JSON: sent as a message */ }
  }
  return { message: line };
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain';
const lines = (batch: readonly string[]): string => `${batch.join('\n')}\n`;

export function httpsBatch(r: HttpsRecord, batch: readonly string[]): HttpBatch {
  const headers: Record<string, string> = { 'content-type': r.content_type ?? (r.json_format === '0' ? TEXT_TYPE : JSON_TYPE) };
  if (r.header_name !== null && r.header_value !== null) headers[r.header_name.toLowerCase()] = r.header_value;
  const body = r.json_format === '1' ? JSON.stringify(batch.map(asObject)) : lines(batch);
  return { method: r.method, url: r.url, headers, body };
}

export function datadogBatch(r: DatadogRecord, batch: readonly string[]): HttpBatch {
  return {
    method: 'POST', url: `https://http-intake.logs.${DATADOG_SITES[r.region]}/api/v2/logs`,
    headers: { 'content-type': JSON_TYPE, 'dd-api-key': r.token }, body: JSON.stringify(batch.map(asObject)),
  };
}

export function splunkBatch(r: SplunkRecord, batch: readonly string[]): HttpBatch {
  return {
    method: 'POST', url: r.url, headers: { 'content-type': JSON_TYPE, authorization: `Splunk ${r.token}` },
    body: batch.map((l) => JSON.stringify({ event: asObject(l) })).join('\n'),
  };
}

export function newrelicBatch(r: NewrelicRecord, batch: readonly string[]): HttpBatch {
  return {
    method: 'POST', url: `https://log-api${r.region === 'EU' ? '.eu' : ''}.newrelic.com/log/v1`,
    headers: { 'content-type': JSON_TYPE, 'x-insert-key': r.token }, body: JSON.stringify([{ logs: batch.map(asObject) }]),
  };
}

export function honeycombBatch(r: HoneycombRecord, batch: readonly string[]): HttpBatch {
  return {
    method: 'POST', url: `https://api.honeycomb.io/1/batch/${encodeURIComponent(r.dataset)}`,
    headers: { 'content-type': JSON_TYPE, 'x-honeycomb-team': r.token }, body: JSON.stringify(batch.map((l) => ({ data: asObject(l) }))),
  };
}

export function elasticsearchBatch(r: ElasticsearchRecord, batch: readonly string[], now: Date): HttpBatch {
  const url = new URL(r.url);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/_bulk`;
  if (r.pipeline !== null) url.searchParams.set('pipeline', r.pipeline);
  const action = JSON.stringify({ index: { _index: strftime(r.index, now.getTime()) } });
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (r.user !== null) headers.authorization = `Basic ${Buffer.from(`${r.user}:${r.password ?? ''}`).toString('base64')}`;
  return { method: 'POST', url: url.toString(), headers, body: batch.map((l) => `${action}\n${JSON.stringify(asObject(l))}\n`).join('') };
}

export function sumologicBatch(r: SumologicRecord, batch: readonly string[]): HttpBatch {
  return { method: 'POST', url: r.url, headers: { 'content-type': TEXT_TYPE }, body: lines(batch) };
}

export function logglyBatch(r: LogglyRecord, batch: readonly string[]): HttpBatch {
  return { method: 'POST', url: `https://logs-01.loggly.com/bulk/${r.token}/tag/bulk/`, headers: { 'content-type': TEXT_TYPE }, body: lines(batch) };
}
