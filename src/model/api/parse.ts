// Turns a request body (form-urlencoded or JSON, as the Fastly clients send it) into a
// normalised record: coercion by the field's schema kind, then the schema's own check, then
// the resource's normalisation and cross-field rules. DESIGN.md §4.2: booleans accept
// 1/0/true/false, empty strings mean "unset".
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Field } from './fields.ts';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export type ApiRecord = Record<string, unknown>;

export interface Resource {
  /** The singular noun used in paths and messages: `backend`, `healthcheck`, … */
  readonly kind: string;
  readonly fields: Readonly<Record<string, Field>>;
  readonly required: readonly string[];
  readonly defaults: Readonly<ApiRecord>;
  /** Fields shown in responses but never taken from a request. */
  readonly readOnly?: readonly string[];
  /** Resource rules applied after the fields parsed, before the required check: derive fields. */
  normalize?(record: ApiRecord, sent: ApiRecord, previous: ApiRecord | null): void;
  /** Rules across fields, checked on the final record. */
  check?(record: ApiRecord): FieldError[];
}

export type ParseResult = { ok: true; record: ApiRecord; sent: ApiRecord } | { ok: false; errors: FieldError[] };

const TRUE = new Set(['1', 'true']);
const FALSE = new Set(['0', 'false']);

function literalKind(schema: TSchema): string {
  const first = (schema.anyOf as TSchema[] | undefined)?.[0];
  return typeof first?.const === 'number' ? 'Integer' : 'String';
}

/** Best-effort coercion; a value that cannot be coerced is returned as is for the check to reject. */
export function coerce(schema: TSchema, raw: unknown): unknown {
  const kind = schema[Kind] === 'Union' ? literalKind(schema) : (schema[Kind] as string);
  switch (kind) {
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

export function parseRecord(resource: Resource, body: unknown, previous: ApiRecord | null): ParseResult {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const sent: ApiRecord = {};
  const readOnly = new Set(resource.readOnly ?? []);
  for (const [field, schema] of Object.entries(resource.fields)) {
    if (readOnly.has(field) || !(field in input)) continue;
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null || raw === '') {
      sent[field] = null;
      continue;
    }
    const value = coerce(schema, raw);
    if (!Value.Check(schema, value)) {
      errors.push({ field, message: `${field}: ${schema.rule}` });
      continue;
    }
    sent[field] = value;
  }
  const base: ApiRecord = previous ?? { ...blank(resource), ...resource.defaults };
  const record: ApiRecord = { ...base, ...sent };
  if (errors.length > 0) return { ok: false, errors };
  resource.normalize?.(record, sent, previous);
  for (const field of resource.required) {
    if (record[field] === null || record[field] === undefined) {
      if (!errors.some((e) => e.field === field)) errors.push({ field, message: `${field}: is required` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const crossErrors = resource.check?.(record) ?? [];
  if (crossErrors.length > 0) return { ok: false, errors: crossErrors };
  return { ok: true, record, sent };
}

/** Every field null: the shape of a record before defaults. */
export function blank(resource: Resource): ApiRecord {
  return Object.fromEntries(Object.keys(resource.fields).map((f) => [f, null]));
}
