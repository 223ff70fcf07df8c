export { backend, type BackendRecord } from './backend.ts';
export { healthcheck, type HealthcheckRecord } from './healthcheck.ts';
export { director, DIRECTOR_TYPES, type DirectorRecord } from './director.ts';
export { domain, type DomainRecord } from './domain.ts';
export { vcl, type VclRecord } from './vcl.ts';
export { settings, type SettingsRecord } from './settings.ts';
export { condition, CONDITION_TYPES, type ConditionRecord, type ConditionType } from './condition.ts';
export { header, HEADER_ACTIONS, HEADER_TYPES, type HeaderRecord, type HeaderType } from './header.ts';
export { responseObject, type ResponseObjectRecord } from './response-object.ts';
export { requestSettings, XFF_MODES, type RequestSettingsRecord } from './request-settings.ts';
export { cacheSettings, CACHE_ACTIONS, type CacheSettingsRecord } from './cache-settings.ts';
export { gzip, DEFAULT_GZIP_CONTENT_TYPES, DEFAULT_GZIP_EXTENSIONS, type GzipRecord } from './gzip.ts';
export { service, version } from './service.ts';
export {
  parseRecord, blank, coerce, defineResource, typedRecord, RecordShapeError,
  type ApiRecord, type FieldError, type Fields, type ParseResult, type RecordOf, type Resource, type ResourceBase,
} from './parse.ts';
export { isAddress, isHostname, type Field } from './fields.ts';
export { requestSchema, responseSchema, StatusOk, ErrorBody } from './schemas.ts';
export { acl, dictionary, newObjectId, snippet, SNIPPET_TYPES, vclTableName, type AclRecord, type DictionaryRecord, type SnippetRecord, type SnippetType } from './live.ts';
