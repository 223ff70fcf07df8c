// Fastly's query string, content negotiation and header functions, from the function
// reference (https://www.fastly.com/documentation/reference/vcl/functions/query-string/,
// …/content-negotiation/, …/headers/). Entries with a builder are the ones lacquer runs;
// define.ts explains an entry.
import { qsGet, qsRemove, qsSet, qsSort } from '../../runtime/strings.ts';
import { a, f, opt, rest } from './define.ts';
import type { Builder, FunctionSpec } from './define.ts';
import { binary, str, ternary, unary } from './build.ts';
import type { S } from './build.ts';
import type { Eval } from '../../runtime/value.ts';
import { ADD, CLEAN, FILTER, FILTERSEP, GLOBFILTER, REGFILTER } from './query-builders.ts';
import { acceptLookup } from './misc-builders.ts';

/** `querystring.sort(url[, only_unique_keys])`: a true second argument keeps each key's first parameter only. */
const sort: Builder = ([x, y]) => {
  const f = x as S;
  if (y === undefined) return (c, fr) => qsSort(str(f(c, fr)), false);
  const unique = y as Eval<boolean>;
  return (c, fr) => qsSort(str(f(c, fr)), unique(c, fr));
};

export const QUERY: readonly FunctionSpec[] = [
  // ── query-string ──
  f('boltsort.sort', 'STRING', [a('url', 'STRING'), opt('only_unique_keys', 'BOOL')], sort),
  f('querystring.sort', 'STRING', [a('url', 'STRING'), opt('only_unique_keys', 'BOOL')], sort),
  f('querystring.add', 'STRING', [a('url', 'STRING'), a('name', 'STRING'), a('value', 'STRING')], ADD),
  f('querystring.get', 'STRING', [a('url', 'STRING'), a('name', 'STRING')], binary(qsGet)),
  f('querystring.clean', 'STRING', [a('url', 'STRING')], CLEAN),
  f('querystring.filter', 'STRING', [a('url', 'STRING'), a('names', 'STRING')], FILTER(false)),
  f('querystring.filter_except', 'STRING', [a('url', 'STRING'), a('names', 'STRING')], FILTER(true)),
  f('querystring.filtersep', 'STRING', [], FILTERSEP),
  f('querystring.globfilter', 'STRING', [a('url', 'STRING'), a('pattern', 'STRING')], GLOBFILTER(false)),
  f('querystring.globfilter_except', 'STRING', [a('url', 'STRING'), a('pattern', 'STRING')], GLOBFILTER(true)),
  f('querystring.regfilter', 'STRING', [a('url', 'STRING'), a('pattern', 'REGEX')], REGFILTER(false)),
  f('querystring.regfilter_except', 'STRING', [a('url', 'STRING'), a('pattern', 'REGEX')], REGFILTER(true)),
  f('querystring.remove', 'STRING', [a('url', 'STRING')], unary(qsRemove)),
  f('querystring.set', 'STRING', [a('url', 'STRING'), a('name', 'STRING'), a('value', 'STRING')], ternary(qsSet)),
  // ── content-negotiation ──
  f('accept.charset_lookup', 'STRING', [a('requested_charsets', 'STRING'), a('default', 'STRING'), a('accept_header', 'STRING')], acceptLookup('exact')),
  f('accept.encoding_lookup', 'STRING', [a('requested_content_encodings', 'STRING'), a('default', 'STRING'), a('accept_header', 'STRING')], acceptLookup('exact')),
  f('accept.language_filter_basic', 'STRING', [a('requested_languages', 'STRING'), a('default', 'STRING'), a('accept_header', 'STRING'), a('nmatches', 'INTEGER')]),
  f('accept.language_lookup', 'STRING', [a('requested_languages', 'STRING'), a('default', 'STRING'), a('accept_header', 'STRING')], acceptLookup('language')),
  f('accept.media_lookup', 'STRING', [a('requested_media_types', 'STRING'), a('default', 'STRING'), a('range_defaults', 'STRING'), a('accept_header', 'STRING')]),
  // ── headers ──
  f('header.get', 'STRING', [a('where', 'ID'), a('header_name', 'STRING')]),
  f('header.unset', 'VOID', [a('where', 'ID'), a('header_name', 'STRING')]),
  f('header.set', 'VOID', [a('where', 'ID'), a('header_name', 'STRING'), a('value', 'STRING')]),
  f('header.filter', 'VOID', [a('where', 'ID'), rest('headers', 'STRING')]),
  f('header.filter_except', 'VOID', [a('where', 'ID'), rest('headers', 'STRING')]),
];
