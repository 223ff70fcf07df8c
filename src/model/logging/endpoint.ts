// A logging endpoint as the generator and the edge see it: its type and its typed record.
// It travels with the active version (ServiceSource.logging), so what a POP delivers to is
// what the version held when it was activated, like its VCL.
import type { RecordOf } from '../api/parse.ts';
import type { LOGGING_ENDPOINTS, LoggingType } from '../api/logging/index.ts';

export type LoggingEndpoint = {
  readonly [T in LoggingType]: { readonly type: T; readonly record: RecordOf<(typeof LOGGING_ENDPOINTS)[T]> }
}[LoggingType];
