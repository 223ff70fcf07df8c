// Turns a request body (form-urlencoded or JSON, as the Fastly clients send it) into a
// normalised, typed record: coercion by the field's schema kind, then the schema's own check,
// then the resource's normalisation and cross-field rules. DESIGN.md §4.2: booleans accept
// 1/0/true/false, empty strings mean "unset" (a field with a default goes back to it).
//
// A resource's record type is derived from its field schemas (`RecordOf<typeof backend>`):
// every field is present, typed by its schema's `Static<>`, and `null` when unset unless it
// is required or has a default. Records read back from the Store are checked to that shape
// once, by `typedRecord`, so the code that reads them (the VCL generator) trusts the types.
import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Field } from './fields.ts';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A record while it is being parsed or when its resource is not known statically. */
export type ApiRecord = Record<string, unknown>;

export type Fields = Readonly<Record<string, Field>>;

/** What code that treats every resource alike needs (routes, presenters, the parser). */
export interface ResourceBase {
  /** The singular noun used in paths and messages: `backend`, `healthcheck`, … */
  readonly kind: string;
  readonly fields: Fields;
  readonly required: readonly string[];
  readonly defaults: Readonly<ApiRecord>;
  /** The fields never null in a parsed record: the required ones and those with a default. */
  readonly alwaysSet: readonly string[];
  /** Fields shown in responses but never taken from a request. */
  readonly readOnly?: readonly string[];
  /** Resource rules applied after the fields parsed, before the required check: derive fields. */
  normalize?(record: ApiRecord, sent: ApiRecord, previous: ApiRecord | null): void;
  /** Rules across fields, checked on the final record (`sent`: what the request gave). */
  check?(record: ApiRecord, sent: ApiRecord): FieldError[];
}

/** A resource whose record type is known: fields `F`, of which `S` are never null. */
export interface Resource<F extends Fields = Fields, S extends string = string> extends ResourceBase {
  readonly fields: F;
  readonly alwaysSet: readonly S[];
}

/** The typed record of a resource: every field, `null` when unset unless always set. */
export type RecordOf<R> = R extends Resource<infer F, infer S>
  ? { readonly [K in keyof F]: K extends S ? Static<F[K]> : Static<F[K]> | null }
  : ApiRecord;

export interface ResourceDefinition<F extends Fields, R extends keyof F & string, D extends keyof F & string> {
  readonly kind: string;
  readonly fields: F;
  readonly required: readonly R[];
  readonly defaults: { readonly [K in D]: Static<F[K]> };
  readonly readOnly?: readonly (keyof F & string)[];
  normalize?(record: ApiRecord, sent: ApiRecord, previous: ApiRecord | null): void;
  check?(record: ApiRecord, sent: ApiRecord): FieldError[];
}

/** Declares a resource; its record type follows from the field schemas, `required` and `defaults`. */
export function defineResource<const F extends Fields, const R extends keyof F & string, const D extends keyof F & string = never>(
  def: ResourceDefinition<F, R, D>,
): Resource<F, R | D> {
  const alwaysSet = [...new Set<R | D>([...def.required, ...(Object.keys(def.defaults) as D[])])];
  return { ...def, alwaysSet };
}

export type ParseResult<T = ApiRecord> = { ok: true; record: T; sent: ApiRecord } | { ok: false; errors: FieldError[] };

const TRUE = new Set(['1', 'true']);
const FALSE = new Set(['0', 'false']);

function literalKind(schema: TSchema): string {
  const first = (schema.anyOf as TSchema[] | undefined)?.[0];
  return typeof first?.const === 'number' ? 'Integer' : 'String';
}

function kindOf(schema: TSchema): string {
  return schema[Kind] === 'Union' ? literalKind(schema) : (schema[Kind] as string);
}

/** Best-effort coercion; a value that cannot be coerced is returned as is for the check to reject. */
export function coerce(schema: TSchema, raw: unknown): unknown {
  switch (kindOf(schema)) {
    case 'Integer':
      if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
      return raw;
    case 'Boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 1 || raw === 0) return raw === 1;
      if (typeof raw === 'string' && TRUE.has(raw.trim().toLowerCase())) return true;
      if (typeof raw === 'string' && FALSE.has(raw.trim().toLowerCase())) return false;
      return raw;
    case 'String':
      return typeof raw === 'number' ? String(raw) : raw;
    case 'Array':
      return coerceList(raw);
    default:
      return raw;
  }
}

/** A list arrives as an array, a JSON array string (`["Foo: Bar"]`) or comma-separated text. */
function coerceList(raw: unknown): unknown {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch {
        return raw;
      }
    } else {
      list = text.split(',');
    }
  }
  if (!Array.isArray(list)) return raw;
  return list.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
}

export function parseRecord<R extends ResourceBase>(resource: R, body: unknown, previous: ApiRecord | null): ParseResult<RecordOf<R>> {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const sent: ApiRecord = {};
  const reset: ApiRecord = {};
  const readOnly = new Set<string>(resource.readOnly ?? []);
  const defaults: Readonly<ApiRecord> = resource.defaults;
  for (const [field, schema] of Object.entries(resource.fields)) {
    if (readOnly.has(field) || !(field in input)) continue;
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null || raw === '') {
      // Unset: a field with a default goes back to it, any other becomes null.
      if (field in defaults) reset[field] = defaults[field];
      else sent[field] = null;
      continue;
    }
    const value = coerce(schema, raw);
    if (!Value.Check(schema, value)) {
      errors.push({ field, message: `${field}: ${schema.rule}` });
      continue;
    }
    sent[field] = value;
  }
  const base: ApiRecord = previous ?? { ...blank(resource), ...defaults };
  const record: ApiRecord = { ...base, ...reset, ...sent };
  if (errors.length > 0) return { ok: false, errors };
  resource.normalize?.(record, sent, previous);
  for (const field of resource.required) {
    if (record[field] === null || record[field] === undefined) {
      if (!errors.some((e) => e.field === field)) errors.push({ field, message: `${field}: is required` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const crossErrors = resource.check?.(record, sent) ?? [];
  if (crossErrors.length > 0) return { ok: false, errors: crossErrors };
  return { ok: true, record: typedRecord(resource, record), sent };
}

/** Every field null: the shape of a record before defaults. */
export function blank(resource: ResourceBase): ApiRecord {
  return Object.fromEntries(Object.keys(resource.fields).map((f) => [f, null]));
}

/** A stored or parsed record is not of its resource's shape: a bug or a damaged row, never user input. */
export class RecordShapeError extends Error {
  constructor(kind: string, name: unknown, field: string, detail: string) {
    super(`${kind} ${JSON.stringify(name)}: field ${field} ${detail}`);
    this.name = 'RecordShapeError';
  }
}

/**
 * `data` as its resource's typed record: missing or null fields (written before they existed,
 * or unset before "unset" meant "back to the default") get their default or null, and every
 * value is checked to be of its field's kind.
 * Only the kind is checked, not the field's rule: rules may tighten after a row was stored,
 * and an active version must still load (DESIGN.md §1: input is validated where it enters).
 */
export function typedRecord<R extends ResourceBase>(resource: R, data: Readonly<ApiRecord>): RecordOf<R> {
  const record: ApiRecord = { ...blank(resource), ...resource.defaults, ...data };
  const alwaysSet = new Set<string>(resource.alwaysSet);
  for (const [field, schema] of Object.entries(resource.fields)) {
    const value = record[field];
    // A field refused today (fields.ts Unsupported) that an older release stored was never
    // honoured: it reads as unset, which is how it always ran.
    if (schema[Kind] === 'Null') {
      record[field] = null;
      continue;
    }
    if (value === null || value === undefined) {
      const fallback = resource.defaults[field];
      if (alwaysSet.has(field) && fallback === undefined) throw new RecordShapeError(resource.kind, record.name, field, 'is unset');
      record[field] = fallback ?? null;
      continue;
    }
    if (!ofKind(schema, value)) throw new RecordShapeError(resource.kind, record.name, field, `is not ${kindOf(schema).toLowerCase()}: ${JSON.stringify(value)}`);
  }
  return record as RecordOf<R>;
}

function ofKind(schema: TSchema, value: unknown): boolean {
  if (schema[Kind] === 'Union') return (schema.anyOf as TSchema[]).some((s) => s.const === value);
  switch (schema[Kind]) {
    case 'Integer': return Number.isInteger(value);
    case 'Boolean': return typeof value === 'boolean';
    case 'String': return typeof value === 'string';
    case 'Array': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default: return Value.Check(schema, value);
  }
}
