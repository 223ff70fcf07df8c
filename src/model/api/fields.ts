// Field schemas shared by the API resources. Each helper returns a typebox schema that
// carries a `rule`: the sentence a 400 answer uses when a value breaks it, so every message
// names the field and the rule (DESIGN.md §4.2). The same schemas feed /openapi.json, and
// their static types (typebox `Static<>`) are the types of the records the generator reads.
import { isIPv4, isIPv6 } from 'node:net';
import {
  FormatRegistry, Type, type SchemaOptions, type TArray, type TBoolean, type TInteger, type TLiteral, type TNull, type TSchema, type TString,
  type TUnion,
} from '@sinclair/typebox';

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, ≤ 253 octets. */
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

export function isHostname(value: string): boolean {
  return HOSTNAME.test(value) && !/^[0-9.]+$/.test(value);
}

export function isAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value) || isHostname(value);
}

FormatRegistry.Set('address', isAddress);
FormatRegistry.Set('ipv4', (v) => isIPv4(v));
FormatRegistry.Set('ipv6', (v) => isIPv6(v));
// Fastly domains may start with one wildcard label (`*.example.com`).
FormatRegistry.Set('domain', (v) => isHostname(v.startsWith('*.') ? v.slice(2) : v));

/** Anything that becomes part of a header or a probe request line (RFC 9110 §5.5). */
const NO_CTL = '^[^\\r\\n\\u0000]*$';
const NO_CTL_RULE = 'must not contain CR, LF or NUL';
/**
 * A name is shown wherever the object is (CLI tables, the dashboard, logs, diagnostics): no
 * control character (C0, DEL, C1) and no bidirectional control (Unicode's Bidi_Control
 * property: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which would make a name
 * print as another one (Unicode TR #36 §2.1, "Trojan Source", CVE-2021-42574).
 */
const NAME_CHARS = '^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]+$';
const NAME_RULE = 'must be 1 to 255 characters with no control or bidirectional control characters';
/** RFC 9110 §5.6.2 token. */
export const TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

/** A schema with the sentence that names its rule. */
export type Ruled<T extends TSchema> = T & { readonly rule: string };
export type Field = Ruled<TSchema>;

function withRule<T extends TSchema>(schema: T, rule: string): Ruled<T> {
  return Object.assign(schema, { rule });
}

export function Int(minimum: number, maximum: number, description: string): Ruled<TInteger> {
  return withRule(Type.Integer({ minimum, maximum, description }), `must be an integer from ${minimum} to ${maximum}`);
}

export function Bool(description: string): Ruled<TBoolean> {
  return withRule(Type.Boolean({ description }), 'must be a boolean (true, false, 1 or 0)');
}

/** One line of text that may reach a header or a probe request. */
export function Line(description: string, options: SchemaOptions = {}): Ruled<TString> {
  return withRule(Type.String({ maxLength: 1024, pattern: NO_CTL, description, ...options }), `${NO_CTL_RULE} and be at most 1024 characters`);
}

/** A name: 1–255 characters, none of them a control or bidirectional control character. */
export function Name(description: string): Ruled<TString> {
  return withRule(Type.String({ minLength: 1, maxLength: 255, pattern: NAME_CHARS, description }), NAME_RULE);
}

/** Free text that never reaches the wire (comments, PEM, VCL source). */
export function Text(description: string, maxLength = 1_048_576): Ruled<TString> {
  return withRule(Type.String({ maxLength, description }), `must be text of at most ${maxLength} characters`);
}

export function Address(description: string): Ruled<TString> {
  return withRule(Type.String({ format: 'address', description }), 'must be a valid IPv4 address, IPv6 address or hostname');
}

export function Hostname(description: string): Ruled<TString> {
  return withRule(Type.String({ maxLength: 253, pattern: NO_CTL, description }), `${NO_CTL_RULE} and be at most 253 characters`);
}

export function Formatted(format: 'ipv4' | 'ipv6' | 'domain', rule: string, description: string): Ruled<TString> {
  return withRule(Type.String({ format, description }), rule);
}

export function Pattern(pattern: string, rule: string, description: string): Ruled<TString> {
  return withRule(Type.String({ pattern, maxLength: 1024, description }), rule);
}

export function OneOf<const V extends readonly (string | number)[]>(values: V, description: string): Ruled<TUnion<Array<TLiteral<V[number]>>>> {
  const literals: Array<TLiteral<V[number]>> = values.map((v: V[number]) => Type.Literal(v));
  return withRule(Type.Union(literals, { description }), `must be one of ${values.join(', ')}`);
}

/** Probe headers: each `Name: value` on one line (RFC 9110 §5.1 field name). */
export function HeaderList(description: string): Ruled<TArray<TString>> {
  const item = Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\\r\\n\\u0000]*$" });
  return withRule(Type.Array(item, { maxItems: 64, description }),
    `must be a list of at most 64 "Name: value" headers, each with a token name and ${NO_CTL_RULE}`);
}

export function StringList(description: string): Ruled<TArray<TString>> {
  return withRule(Type.Array(Type.String(), { description }), 'must be a list of names');
}

/**
 * A Fastly field lacquer does not honour yet. DESIGN.md §4.2: such a field is refused with 400
 * naming it, never stored and ignored. Unset (an empty string or null, which the Terraform
 * provider sends for fields it leaves alone) is accepted, so a plain configuration still works.
 */
export function Unsupported(description: string, why: string): Ruled<TNull> {
  return withRule(Type.Null({ description }), `is not supported: ${why}; leave it empty`);
}
