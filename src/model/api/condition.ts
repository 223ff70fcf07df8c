// Condition: https://www.fastly.com/documentation/reference/api/vcl-services/condition/
// A VCL expression that other objects (backends, headers, response objects, request and cache
// settings, gzip, logging endpoints) attach by name. The type says where Fastly evaluates it:
// REQUEST in vcl_recv, CACHE in vcl_fetch, RESPONSE in vcl_deliver, PREFETCH in vcl_miss and
// vcl_pass (src/model/conditions.ts). The statement must compile as an expression there.
import { checkCondition } from '../vcl-check.ts';
import { Int, Name, OneOf, Text } from './fields.ts';
import { defineResource, type RecordOf } from './parse.ts';

export const CONDITION_TYPES = ['REQUEST', 'CACHE', 'RESPONSE', 'PREFETCH'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const condition = defineResource({
  kind: 'condition',
  fields: {
    name: Name('Name of the condition'),
    statement: Text('A conditional expression in VCL used to determine if the condition is met', 65_536),
    type: OneOf(CONDITION_TYPES, 'Type of the condition: where it is evaluated'),
    priority: Int(0, 1_000_000, 'Priority determines execution order; lower numbers execute first'),
    comment: Text('A freeform descriptive note', 8192),
  },
  required: ['name', 'statement', 'type'],
  // Fastly's default priority for a condition (the Terraform provider's too).
  defaults: { priority: 10 },
  check: (record) => checkCondition(String(record.statement), record.type as ConditionType),
});

export type ConditionRecord = RecordOf<typeof condition>;
