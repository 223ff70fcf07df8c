export { backend, type BackendRecord } from './backend.ts';
export { healthcheck, type HealthcheckRecord } from './healthcheck.ts';
export { director, DIRECTOR_TYPES, type DirectorRecord } from './director.ts';
export { domain, type DomainRecord } from './domain.ts';
export { vcl, type VclRecord } from './vcl.ts';
export { settings, type SettingsRecord } from './settings.ts';
export { service, version } from './service.ts';
export {
  parseRecord, blank, coerce, defineResource, typedRecord, RecordShapeError,
  type ApiRecord, type FieldError, type Fields, type ParseResult, type RecordOf, type Resource, type ResourceBase,
} from './parse.ts';
export { isAddress, isHostname, type Field } from './fields.ts';
export { requestSchema, responseSchema, StatusOk, ErrorBody } from './schemas.ts';
export { acl, dictionary, newObjectId, snippet, SNIPPET_TYPES, vclTableName, type AclRecord, type DictionaryRecord, type SnippetRecord, type SnippetType } from './live.ts';
