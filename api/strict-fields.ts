// Strict field validation (`fieldValidation=Strict`): which fields of an object are not in the
// schema of its kind, and which have the wrong JSON type. Driven by api/schema.ts.
import type { ResourceInfo } from './resources.js';
import { type Schema, schemaForResource } from './schema.js';
import type { KubeObject } from './types/meta.js';

export interface FieldTypeError {
  field: string;
  expected: string;
  value: unknown;
}

interface Walk {
  unknown: string[];
  wrongType: FieldTypeError[];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function scalarOk(kind: Extract<Schema, { t: 'scalar' }>['kind'], v: unknown): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'int-or-string':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
    case 'quantity':
      return typeof v === 'string' || typeof v === 'number';
  }
}

function expectedName(s: Schema): string {
  if (s.t === 'scalar') return s.kind;
  if (s.t === 'list') return 'array';
  return 'object';
}

function walk(v: unknown, s: Schema, path: string, out: Walk): void {
  if (v === null || v === undefined) return; // null means "unset" everywhere in Kubernetes JSON
  if (s.t === 'scalar') {
    if (!scalarOk(s.kind, v)) out.wrongType.push({ field: path, expected: s.kind, value: v });
    return;
  }
  if (s.t === 'list') {
    if (!Array.isArray(v)) {
      out.wrongType.push({ field: path, expected: 'array', value: v });
      return;
    }
    v.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, out));
    return;
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    out.wrongType.push({ field: path, expected: expectedName(s), value: v });
    return;
  }
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    const childPath = s.t === 'map' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    if (s.t === 'map') {
      walk(child, s.values, childPath, out);
      continue;
    }
    const fs = s.fields[k];
    if (fs === undefined) out.unknown.push(childPath);
    else walk(child, fs, childPath, out);
  }
}

function check(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, obj: unknown): Walk {
  const out: Walk = { unknown: [], wrongType: [] };
  const schema = schemaForResource(info);
  if (schema) walk(obj, schema, '', out);
  return out;
}

/** Paths of fields the kind does not have, e.g. `spec.containers[0].imagePolicy`. */
export function unknownFields(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, obj: KubeObject | unknown): string[] {
  return check(info, obj).unknown;
}

/** Fields whose JSON type is wrong (`spec.replicas: "3"`); Kubernetes rejects these with 400 always. */
export function fieldTypeErrors(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, obj: KubeObject | unknown): FieldTypeError[] {
  return check(info, obj).wrongType;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` */
export function strictDecodingMessage(unknown: readonly string[]): string {
  return `strict decoding error: ${unknown.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`;
}

/** The warning text Kubernetes sends with fieldValidation=Warn: `unknown field "spec.foo"`. */
export function unknownFieldWarnings(unknown: readonly string[]): string[] {
  return unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
}

/** `spec.replicas: expected integer, got string "3"` */
export function formatFieldTypeError(e: FieldTypeError): string {
  return `${e.field}: expected ${e.expected}, got ${jsonType(e.value)} ${JSON.stringify(e.value)}`;
}
