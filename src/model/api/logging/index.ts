export {
  LOGGING_ENDPOINTS, LOGGING_TYPES, UNSUPPORTED_LOGGING_TYPES, DATADOG_REGIONS, S3_ACLS, S3_REDUNDANCY,
  type LoggingType, type SyslogRecord, type PapertrailRecord, type HttpsRecord, type S3Record, type DatadogRecord, type SplunkRecord,
  type NewrelicRecord, type HoneycombRecord, type ElasticsearchRecord, type SumologicRecord, type LogglyRecord,
} from './endpoints.ts';
export { DEFAULT_LOG_FORMAT } from './common.ts';
