// Sets of field paths, as server-side apply tracks them in `metadata.managedFields` (FieldsV1):
// `f:<name>` a field, `k:{"name":"web"}` an item of a keyed list, `v:"x"` an item of a set.
// A path is the list of such elements; a set holds paths joined into strings.
import { type Schema, fieldSchema } from './schema.js';
import { type JsonObject, type JsonValue, isJsonObject, jsonEqual } from './json-value.js';

export type PathElement = string; // 'f:spec', 'k:{"name":"web"}', 'v:"x"'
export type FieldPath = PathElement[];

const SEP = '\u0001';

export function pathKey(p: FieldPath): string {
  return p.join(SEP);
}

export function parsePathKey(k: string): FieldPath {
  return k === '' ? [] : k.split(SEP);
}

/** Fields server-side apply never tracks: identity and bookkeeping. */
const UNTRACKED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

export interface FieldSetOptions {
  /** Leave `status` out (an apply to the main resource ignores it). */
  skipStatus?: boolean;
}

/** Every owned path of an object: leaves, keyed-list items and set items (not intermediate maps). */
export function fieldSetOf(obj: unknown, schema: Schema | undefined, opts: FieldSetOptions = {}): Set<string> {
  const out = new Set<string>();
  if (!isJsonObject(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === null || v === undefined) continue;
    if (k === 'status' && opts.skipStatus) continue;
    const fs = fieldSchema(schema, k);
    if (k === 'metadata' && isJsonObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (UNTRACKED_META.has(mk) || mv === null || mv === undefined) continue;
        walkValue(mv, fieldSchema(fs, mk), ['f:metadata', `f:${mk}`], out);
      }
      continue;
    }
    walkValue(v, fs, [`f:${k}`], out);
  }
  return out;
}

function walkValue(v: JsonValue, s: Schema | undefined, path: FieldPath, out: Set<string>): void {
  if (isJsonObject(v) && (s === undefined || s.t === 'object' || s.t === 'map')) {
    const entries = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
    if (entries.length === 0) {
      out.add(pathKey(path));
      return;
    }
    for (const [k, x] of entries) walkValue(x, fieldSchema(s, k), [...path, `f:${k}`], out);
    return;
  }
  if (Array.isArray(v) && s?.t === 'list' && s.strategy !== 'atomic' && v.length > 0) {
    for (const item of v) {
      if (s.strategy === 'set') {
        out.add(pathKey([...path, `v:${JSON.stringify(item)}`]));
      } else if (isJsonObject(item) && item[s.key!] !== undefined) {
        const itemPath = [...path, `k:${JSON.stringify({ [s.key!]: item[s.key!] })}`];
        out.add(pathKey(itemPath));
        for (const [k, x] of Object.entries(item)) {
          if (x !== null && x !== undefined) walkValue(x, fieldSchema(s.items, k), [...itemPath, `f:${k}`], out);
        }
      }
    }
    return;
  }
  out.add(pathKey(path));
}

function listItemIndex(list: JsonValue[], el: PathElement): number {
  if (el.startsWith('v:')) {
    const want = JSON.parse(el.slice(2)) as JsonValue;
    return list.findIndex((x) => jsonEqual(x, want));
  }
  const want = JSON.parse(el.slice(2)) as JsonObject;
  return list.findIndex((x) => isJsonObject(x) && Object.entries(want).every(([k, v]) => jsonEqual(x[k], v)));
}

/** The value at a path, or undefined. */
export function valueAt(obj: unknown, path: FieldPath): JsonValue | undefined {
  let cur: JsonValue | undefined = obj as JsonValue;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el.startsWith('f:')) {
      cur = isJsonObject(cur) ? cur[el.slice(2)] : undefined;
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = listItemIndex(cur, el);
      cur = i >= 0 ? cur[i] : undefined;
    }
  }
  return cur;
}

/** Removes the field or list item at a path (in place); a no-op when it is not there. */
export function deleteAt(obj: unknown, path: FieldPath): void {
  if (path.length === 0) return;
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (last.startsWith('f:')) {
    if (isJsonObject(parent)) delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const i = listItemIndex(parent, last);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Encodes a set as FieldsV1: `{"f:spec":{"f:replicas":{}}}`, with `.` on nodes owned themselves. */
export function toFieldsV1(set: ReadonlySet<string>): JsonObject {
  const root: JsonObject = {};
  const owned: JsonObject[] = [];
  for (const k of [...set].sort()) {
    let node = root;
    for (const el of k.split(SEP)) {
      let child = node[el] as JsonObject | undefined;
      if (child === undefined) {
        child = {};
        node[el] = child;
      }
      node = child;
    }
    owned.push(node);
  }
  for (const node of owned) {
    for (const c in node) {
      if (c !== '.') {
        node['.'] = {};
        break;
      }
    }
  }
  return root;
}

/** Decodes FieldsV1 into a set of paths. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: FieldPath): void => {
    if (!isJsonObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if (path.length && (children.length === 0 || '.' in node)) out.add(pathKey(path));
    for (const c of children) walk(node[c], [...path, c]);
  };
  walk(fields, []);
  return out;
}

/** Kubernetes' printed form: `.spec.template.spec.containers[name="web"].image`, `.metadata.finalizers[="x"]`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      const key = JSON.parse(el.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** True when `path` is a value-bearing field (not a list item). */
export function isLeafField(path: FieldPath): boolean {
  return path.length > 0 && path[path.length - 1]!.startsWith('f:');
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPrefixOf(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(prefix + SEP);
}
