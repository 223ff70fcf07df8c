// Field schemas shared by the API resources. Each helper returns a typebox schema that
// carries a `rule`: the sentence a 400 answer uses when a value breaks it, so every message
// names the field and the rule (issue 3 §2). The same schemas feed /openapi.json.
import { isIPv4, isIPv6 } from 'node:net';
import { FormatRegistry, Type, type SchemaOptions, type TSchema } from '@sinclair/typebox';

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
/** RFC 9110 §5.6.2 token. */
export const TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

export type Field = TSchema & { rule: string };

function withRule<T extends TSchema>(schema: T, rule: string): T & { rule: string } {
  return Object.assign(schema, { rule });
}

export function Int(minimum: number, maximum: number, description: string): Field {
  return withRule(Type.Integer({ minimum, maximum, description }), `must be an integer from ${minimum} to ${maximum}`);
}

export function Bool(description: string): Field {
  return withRule(Type.Boolean({ description }), 'must be a boolean (true, false, 1 or 0)');
}

/** One line of text that may reach a header or a probe request. */
export function Line(description: string, options: SchemaOptions = {}): Field {
  return withRule(Type.String({ maxLength: 1024, pattern: NO_CTL, description, ...options }), `${NO_CTL_RULE} and be at most 1024 characters`);
}

/** A name: 1–255 characters of one line. */
export function Name(description: string): Field {
  return withRule(Type.String({ minLength: 1, maxLength: 255, pattern: NO_CTL, description }), `must be 1 to 255 characters and ${NO_CTL_RULE}`);
}

/** Free text that never reaches the wire (comments, PEM, VCL source). */
export function Text(description: string, maxLength = 1_048_576): Field {
  return withRule(Type.String({ maxLength, description }), `must be text of at most ${maxLength} characters`);
}

export function Address(description: string): Field {
  return withRule(Type.String({ format: 'address', description }), 'must be a valid IPv4 address, IPv6 address or hostname');
}

export function Hostname(description: string): Field {
  return withRule(Type.String({ maxLength: 253, pattern: NO_CTL, description }), `${NO_CTL_RULE} and be at most 253 characters`);
}

export function Formatted(format: 'ipv4' | 'ipv6' | 'domain', rule: string, description: string): Field {
  return withRule(Type.String({ format, description }), rule);
}

export function Pattern(pattern: string, rule: string, description: string): Field {
  return withRule(Type.String({ pattern, maxLength: 1024, description }), rule);
}

export function OneOf<const V extends readonly (string | number)[]>(values: V, description: string): Field {
  return withRule(Type.Union(values.map((v) => Type.Literal(v)), { description }), `must be one of ${values.join(', ')}`);
}

/** Probe headers: each `Name: value` on one line (RFC 9110 §5.1 field name). */
export function HeaderList(description: string): Field {
  const item = Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\\r\\n\\u0000]*$" });
  return withRule(Type.Array(item, { maxItems: 64, description }),
    `must be a list of at most 64 "Name: value" headers, each with a token name and ${NO_CTL_RULE}`);
}

export function StringList(description: string): Field {
  return withRule(Type.Array(Type.String(), { description }), 'must be a list of names');
}
