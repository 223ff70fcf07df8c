// How lacquer runs Fastly's query-string filters (functions/query.ts declares them); the work is
// in runtime/querystring.ts.
//
// Source: https://www.fastly.com/documentation/reference/vcl/functions/query-string/
import type { VclRegex } from '../../runtime/regex/index.ts';
import { FILTER_SEPARATOR, qsAdd, qsClean, qsFilterNames, qsGlobFilter, qsRegFilter } from '../../runtime/querystring.ts';
import type { Builder } from './define.ts';
import { binary, str, ternary, unary } from './build.ts';
import type { S } from './build.ts';

export const FILTER = (except: boolean): Builder => binary((url, names) => qsFilterNames(url, names, except));
export const FILTERSEP: Builder = () => () => FILTER_SEPARATOR;
export const GLOBFILTER = (except: boolean): Builder => binary((url, glob) => qsGlobFilter(url, glob, except));
/** The pattern is a REGEX argument: compiled once, when the service is. */
export const REGFILTER = (except: boolean): Builder => ([u, re]) => {
  const url = u as S; const regex = re as VclRegex;
  return (c, fr) => qsRegFilter(str(url(c, fr)), regex, except);
};
export const CLEAN: Builder = unary(qsClean);
export const ADD: Builder = ternary(qsAdd);
