// Request and response schemas derived from one resource definition, so what validates a
// request and what /openapi.json documents cannot drift apart.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { Resource } from './parse.ts';

/** What a client may send: every writable field, optional; booleans and numbers may also arrive as form strings. */
export function requestSchema(resource: Resource): TObject {
  const readOnly = new Set(resource.readOnly ?? []);
  const props: Record<string, TSchema> = {};
  for (const [name, field] of Object.entries(resource.fields)) {
    if (!readOnly.has(name)) props[name] = Type.Optional(field);
  }
  return Type.Object(props, { additionalProperties: true });
}

const TIMESTAMPS = {
  created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deleted_at: Type.Null(),
};

/** What the server answers: every field present, `null` when unset, plus the version scope. */
export function responseSchema(resource: Resource, scoped = true): TObject {
  const props: Record<string, TSchema> = {};
  for (const [name, field] of Object.entries(resource.fields)) {
    props[name] = resource.required.includes(name) ? field : Type.Union([field, Type.Null()]);
  }
  const scope: Record<string, TSchema> = scoped ? { service_id: Type.String(), version: Type.Integer({ minimum: 1 }) } : {};
  return Type.Object({ ...props, ...scope, ...TIMESTAMPS });
}

export const StatusOk = Type.Object({ status: Type.Literal('ok') });
export const ErrorBody = Type.Object({ msg: Type.String(), detail: Type.Optional(Type.String()) });
