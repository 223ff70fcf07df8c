// A logging endpoint's format → the VCL its log statement writes (src/model/logging/format.ts),
// as golden pairs: format in, printed expression out; and the formats that are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatExpression } from '../../src/model/logging/format.ts';
import { checkLogFormat } from '../../src/model/logging/check.ts';
import { printStatements } from '../../src/vcl/syntax/index.ts';
import { logStatement } from '../../src/model/logging/statement.ts';

function printed(format: string, version: 1 | 2 = 2): string {
  const made = formatExpression(format, version);
  if (!made.ok) throw new Error(made.error.message);
  return printStatements([logStatement('SID', 'ep', made.expression)]).join('\n');
}

const GOLDEN: Array<[string, string]> = [
  ['%h %l %u %t "%r" %>s %b', 'log "syslog SID ep :: " client.ip " - - [" strftime("%25d/%25b/%25Y:%25H:%25M:%25S %25z", time.start) "] %22" req.method " " req.url " " req.proto "%22 " resp.status " " if(resp.body_bytes_written == 0, "-", resp.body_bytes_written);'],
  ['%{Referer}i -> %U', 'log "syslog SID ep :: " req.http.Referer " -> " req.url.path;'],
  ['%{Content-Type}o %{session}C 100%%', 'log "syslog SID ep :: " resp.http.Content-Type " " req.http.Cookie:session " 100%25";'],
  ['%{%Y-%m-%d}t %D %T', 'log "syslog SID ep :: " strftime("%25Y-%25m-%25d", time.start) " " time.elapsed.usec " " time.elapsed.sec;'],
  ['{"url":"%{json.escape(req.url)}V","s":%>s}', 'log "syslog SID ep :: " "{%22url%22:%22" json.escape(req.url) "%22,%22s%22:" resp.status "}";'],
  ['%{strftime(\\{"%Y-%m-%dT%H:%M:%S%z"\\}, time.start)}V', 'log "syslog SID ep :: " strftime({"%Y-%m-%dT%H:%M:%S%z"}, time.start);'],
  ['%{if(req.http.X, "a}", "b")}V', 'log "syslog SID ep :: " if(req.http.X, "a}", "b");'],
  ['%q', 'log "syslog SID ep :: " if(req.url.qs, "?" req.url.qs, "");'],
];

test('formats translate into the VCL Fastly names as each directive\'s equivalent', () => {
  for (const [format, vcl] of GOLDEN) assert.equal(printed(format), vcl, format);
  // Version 1 logs in vcl_deliver, before the body is written: its byte counts are Content-Length.
  assert.equal(printed('%b %B', 1), 'log "syslog SID ep :: " if(resp.http.Content-Length, resp.http.Content-Length, "-") " " resp.http.Content-Length;');
});

test('a format is refused with the directive or expression that is wrong', () => {
  const cases: Array<[string, 1 | 2, string]> = [
    ['%Z', 2, "format: %Z: not a directive Fastly's log formats have"],
    ['%{x}Z', 2, "format: %{x}Z: not a directive Fastly's log formats have"],
    ['50%', 2, 'format: a % at offset 2 ends the format without a directive'],
    ['%{req.url', 2, 'format: %{ at offset 0 has no closing }'],
    ['%{req.url}V', 1, 'format: %{req.url}V: VCL expressions in a format need format_version 2'],
    ['%{a b}i', 2, 'format: %{a b}i: "a b" is not a header name'],
    ['%{beresp.status}V', 2, 'format: beresp.status cannot be read in vcl_log'],
  ];
  for (const [format, version, message] of cases) {
    const errors = checkLogFormat(format, version);
    assert.ok(errors.length > 0 && errors[0].message.startsWith(message), `${format}: ${JSON.stringify(errors)}`);
    assert.equal(errors[0].field, 'format');
  }
  assert.deepEqual(checkLogFormat('%h %l %u %t "%r" %>s %b', 1), []);
  assert.deepEqual(checkLogFormat('{"u":"%{json.escape(req.url)}V"}', 2), []);
});
