// -o yaml | json | name | jsonpath=...: how objects print outside tables.
import { stringify } from 'yaml';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { parseCustomColumns, printCustomColumns, type CustomColumn } from './custom-columns.js';
import { renderJsonPath } from './jsonpath.js';
import { objectRef } from './resource-args.js';

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'yaml' }
  | { kind: 'json' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; columns: CustomColumn[] };

export function parseOutputFormat(o: string | undefined): OutputFormat {
  if (o === undefined || o === '') return { kind: 'table', wide: false };
  if (o === 'wide') return { kind: 'table', wide: true };
  if (o === 'yaml' || o === 'json' || o === 'name') return { kind: o };
  const m = /^jsonpath=(.*)$/s.exec(o);
  if (m) return { kind: 'jsonpath', template: m[1] };
  const cc = /^custom-columns=(.*)$/s.exec(o);
  if (cc) return { kind: 'custom-columns', columns: parseCustomColumns(cc[1]) };
  throw new Error(
    `unable to match a printer suitable for the output format "${o}", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml`,
  );
}

/** kubectl wraps several objects in a `List` for -o yaml/json/jsonpath. */
export function asList(items: KubeObject[]): KubeObject {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } } as unknown as KubeObject;
}

/** YAML as kubectl prints it (go-yaml): sorted keys, sequences not indented, YAML 1.1 quoting of timestamps. */
export function toYaml(v: unknown): string {
  return stringify(v, { version: '1.1', sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false, indentSeq: false });
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** JSON as kubectl prints it: 4-space indent, keys sorted (kubectl prints unstructured maps). */
export function toJson(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 4)}\n`;
}

/** kubectl hides metadata.managedFields unless --show-managed-fields. */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _hidden, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Prints one object or a list (`single` false) in a non-table format. */
export function printObjects(
  format: Exclude<OutputFormat, { kind: 'table' }>,
  objects: { info: ResourceInfo; obj: KubeObject }[],
  single: boolean,
  showManagedFields = false,
  noHeaders = false,
): string {
  const shown = objects.map((o) => (showManagedFields ? o.obj : withoutManagedFields(o.obj)));
  const data = single && shown.length === 1 ? shown[0] : asList(shown);
  switch (format.kind) {
    case 'yaml':
      return toYaml(data);
    case 'json':
      return toJson(data);
    case 'name':
      return objects.map((o) => `${objectRef(o.info, o.obj.metadata.name ?? '')}\n`).join('');
    case 'jsonpath':
      return renderJsonPath(format.template, data);
    case 'custom-columns':
      return printCustomColumns(format.columns, shown, noHeaders);
  }
}
