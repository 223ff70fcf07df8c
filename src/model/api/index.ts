export { backend } from './backend.ts';
export { healthcheck } from './healthcheck.ts';
export { director, DIRECTOR_TYPES } from './director.ts';
export { domain } from './domain.ts';
export { vcl } from './vcl.ts';
export { settings } from './settings.ts';
export { service, version } from './service.ts';
export { parseRecord, blank, coerce, type ApiRecord, type FieldError, type ParseResult, type Resource } from './parse.ts';
export { isAddress, isHostname, type Field } from './fields.ts';
