// -o yaml | json | name | jsonpath=...: how objects print outside tables.
import { stringify } from 'yaml';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { renderJsonPath } from './jsonpath.js';
import { objectRef } from './resource-args.js';

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'yaml' }
  | { kind: 'json' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string };

export function parseOutputFormat(o: string | undefined): OutputFormat {
  if (o === undefined || o === '') return { kind: 'table', wide: false };
  if (o === 'wide') return { kind: 'table', wide: true };
  if (o === 'yaml' || o === 'json' || o === 'name') return { kind: o };
  const m = /^jsonpath=(.*)$/s.exec(o);
  if (m) return { kind: 'jsonpath', template: m[1] };
  throw new Error(
    `unable to match a printer suitable for the output format "${o}", allowed formats are: json,jsonpath,name,wide,yaml`,
  );
}

/** kubectl wraps several objects in a `List` for -o yaml/json/jsonpath. */
export function asList(items: KubeObject[]): KubeObject {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } } as unknown as KubeObject;
}

export function toYaml(v: unknown): string {
  return stringify(v, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

export function toJson(v: unknown): string {
  return `${JSON.stringify(v, null, 4)}\n`;
}

/** Prints one object or a list (`single` false) in a non-table format. */
export function printObjects(
  format: Exclude<OutputFormat, { kind: 'table' }>,
  objects: { info: ResourceInfo; obj: KubeObject }[],
  single: boolean,
): string {
  const data = single && objects.length === 1 ? objects[0].obj : asList(objects.map((o) => o.obj));
  switch (format.kind) {
    case 'yaml':
      return toYaml(data);
    case 'json':
      return toJson(data);
    case 'name':
      return objects.map((o) => `${objectRef(o.info, o.obj.metadata.name ?? '')}\n`).join('');
    case 'jsonpath':
      return renderJsonPath(format.template, data);
  }
}
