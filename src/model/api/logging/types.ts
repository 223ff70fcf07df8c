// The logging endpoint types lacquer delivers to, by the name in their path (`logging/<type>`).
// On its own (no imports) so the CLI's option parsing can read it without loading the VCL
// checker; ./endpoints.ts declares one resource per name and the compiler holds them equal.
export const LOGGING_TYPE_NAMES = ['syslog', 'papertrail', 'https', 's3', 'datadog', 'splunk', 'newrelic', 'honeycomb', 'elasticsearch', 'sumologic', 'loggly'] as const;
export type LoggingTypeName = (typeof LOGGING_TYPE_NAMES)[number];
