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

/**
 * Where a walk over an object records what it finds: `child` steps from a node to one of its path
 * elements, `own` marks a node as an owned path. Two builders share one walk: joined keys in a set,
 * and the FieldsV1 tree itself.
 */
interface PathBuilder<N> {
  child(node: N, el: PathElement): N;
  own(node: N): void;
}

/** Walks every owned path of an object: leaves, keyed-list items and set items (not intermediate maps). */
function walkFields<N>(obj: unknown, schema: Schema | undefined, opts: FieldSetOptions, root: N, b: PathBuilder<N>): void {
  if (!isJsonObject(obj)) return;
  for (const k in obj) {
    const v = obj[k];
    if (k === 'apiVersion' || k === 'kind' || v === null || v === undefined) continue;
    if (k === 'status' && opts.skipStatus) continue;
    const fs = fieldSchema(schema, k);
    if (k === 'metadata' && isJsonObject(v)) {
      const meta = b.child(root, 'f:metadata');
      for (const mk in v) {
        const mv = v[mk];
        if (UNTRACKED_META.has(mk) || mv === null || mv === undefined) continue;
        walkValue(mv, fieldSchema(fs, mk), b.child(meta, `f:${mk}`), b);
      }
      continue;
    }
    walkValue(v, fs, b.child(root, `f:${k}`), b);
  }
}

function walkValue<N>(v: JsonValue, s: Schema | undefined, node: N, b: PathBuilder<N>): void {
  if (isJsonObject(v) && (s === undefined || s.t === 'object' || s.t === 'map')) {
    let any = false;
    for (const k in v) {
      const x = v[k];
      if (x === null || x === undefined) continue;
      any = true;
      walkValue(x, fieldSchema(s, k), b.child(node, `f:${k}`), b);
    }
    if (!any) b.own(node);
    return;
  }
  if (Array.isArray(v) && s?.t === 'list' && s.strategy !== 'atomic' && v.length > 0) {
    for (const item of v) {
      if (s.strategy === 'set') {
        b.own(b.child(node, `v:${JSON.stringify(item)}`));
      } else if (isJsonObject(item) && item[s.key!] !== undefined) {
        const itemNode = b.child(node, `k:${JSON.stringify({ [s.key!]: item[s.key!] })}`);
        b.own(itemNode);
        for (const k in item) {
          const x = item[k];
          if (x !== null && x !== undefined) walkValue(x, fieldSchema(s.items, k), b.child(itemNode, `f:${k}`), b);
        }
      }
    }
    return;
  }
  b.own(node);
}

/** Every owned path of an object, as joined path keys. */
export function fieldSetOf(obj: unknown, schema: Schema | undefined, opts: FieldSetOptions = {}): Set<string> {
  const out = new Set<string>();
  walkFields(obj, schema, opts, '', {
    child: (key, el) => (key === '' ? el : key + SEP + el),
    own: (key) => void out.add(key),
  });
  return out;
}

/** A FieldsV1 tree under construction: children kept sorted by element as they are added. */
class FieldNode {
  owned = false;
  /** sorted */
  readonly els: PathElement[] = [];
  readonly kids: FieldNode[] = [];

  child(el: PathElement): FieldNode {
    const { els } = this;
    let i = els.length;
    // elements mostly arrive in order (object keys are written sorted more often than not)
    while (i > 0 && els[i - 1]! > el) i--;
    if (i > 0 && els[i - 1] === el) return this.kids[i - 1]!;
    const c = new FieldNode();
    els.splice(i, 0, el);
    this.kids.splice(i, 0, c);
    return c;
  }
}

const treeBuilder: PathBuilder<FieldNode> = {
  child: (node, el) => node.child(el),
  own(node) {
    node.owned = true;
  },
};

/**
 * The FieldsV1 JSON of a tree: children in sorted order, `.` (first, as Kubernetes writes it) on
 * owned inner nodes; undefined for a node with nothing owned at or below it (a walk steps into
 * `metadata` or a list before it knows whether anything there is owned).
 */
function fieldsV1Json(node: FieldNode): JsonObject | undefined {
  const n = node.els.length;
  if (n === 0) return node.owned ? {} : undefined;
  const out: JsonObject = {};
  if (node.owned) out['.'] = {};
  let any = false;
  for (let i = 0; i < n; i++) {
    const child = fieldsV1Json(node.kids[i]!);
    if (child === undefined) continue;
    out[node.els[i]!] = child;
    any = true;
  }
  if (any) return out;
  return node.owned ? {} : undefined;
}

/** The FieldsV1 of every owned path of an object: `fieldSetOf` then `toFieldsV1`, in one walk. */
export function fieldsV1Of(obj: unknown, schema: Schema | undefined, opts: FieldSetOptions = {}): JsonObject {
  const root = new FieldNode();
  walkFields(obj, schema, opts, root, treeBuilder);
  return fieldsV1Json(root) ?? {};
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
  const root = new FieldNode();
  for (const k of set) {
    let node = root;
    for (const el of k.split(SEP)) node = node.child(el);
    node.owned = true;
  }
  return fieldsV1Json(root) ?? {};
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
