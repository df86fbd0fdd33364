// Strategic merge patch, `application/strategic-merge-patch+json`, as Kubernetes applies and kubectl
// computes it: lists merge by their patch merge key (containers by name, ports by containerPort, ...)
// or as sets (finalizers), `null` deletes, and the directives `$patch: delete|replace|merge`,
// `$retainKeys`, `$deleteFromPrimitiveList/<list>` and `$setElementOrder/<list>` are honoured.
// Field strategies come from api/schema.ts; fields it does not know merge like a JSON merge patch.
import { badRequest } from '../status.js';
import { type Schema, fieldSchema } from '../schema.js';
import { type JsonObject, type JsonValue, cloneJson, isJsonObject, jsonEqual } from '../json-value.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

const DELETED = Symbol('deleted');
type Merged = JsonValue | typeof DELETED;

function isDirective(k: string): boolean {
  return k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE);
}

function listSchema(s: Schema | undefined): Extract<Schema, { t: 'list' }> | undefined {
  return s?.t === 'list' ? s : undefined;
}

function mergeKeyOf(s: Extract<Schema, { t: 'list' }>): string | undefined {
  return s.strategy === 'merge' ? s.key : undefined;
}

/** Applies `patch` to `original` (neither is modified) and returns the result. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema | undefined): JsonValue {
  if (!isJsonObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  const out = mergeMap(isJsonObject(original) ? original : undefined, patch, schema);
  return out === DELETED ? {} : out;
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: Schema | undefined): Merged {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'delete') return DELETED;
    if (directive === 'replace') {
      const rest: JsonObject = {};
      for (const [k, v] of Object.entries(patch)) if (k !== PATCH) rest[k] = v;
      return mergeMap(undefined, rest, schema);
    }
    if (directive !== 'merge') throw badRequest(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const out: JsonObject = original ? cloneJson(original) : {};

  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVE)) continue;
    const field = k.slice(DELETE_PRIMITIVE.length);
    if (!Array.isArray(v)) throw badRequest(`invalid patch: ${k} must be a list`);
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.some((d) => jsonEqual(d, x)));
  }

  for (const [k, v] of Object.entries(patch)) {
    if (isDirective(k)) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const fs = fieldSchema(schema, k);
    const cur = out[k];
    let merged: Merged;
    if (isJsonObject(v) && (fs === undefined || fs.t === 'object' || fs.t === 'map' || (fs.t === 'scalar' && fs.kind === 'any'))) {
      merged = mergeMap(isJsonObject(cur) ? cur : undefined, v, fs);
    } else if (Array.isArray(v)) {
      merged = mergeList(Array.isArray(cur) ? cur : undefined, v, listSchema(fs), k);
    } else {
      merged = cloneJson(v);
    }
    if (merged === DELETED) delete out[k];
    else out[k] = merged;
  }

  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(v)) throw badRequest(`invalid patch: ${k} must be a list`);
    const ls = listSchema(fieldSchema(schema, field));
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = applyElementOrder(cur, v, ls ? mergeKeyOf(ls) : undefined);
  }

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw badRequest(`invalid patch: ${RETAIN_KEYS} must be a list`);
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(original: JsonValue[] | undefined, patch: JsonValue[], schema: Extract<Schema, { t: 'list' }> | undefined, field: string): Merged {
  if (!schema || schema.strategy === 'atomic') return patch.map((x) => stripDirectives(x));
  if (schema.strategy === 'set') {
    const out = original ? cloneJson(original) : [];
    for (const x of patch) if (!out.some((o) => jsonEqual(o, x))) out.push(cloneJson(x));
    return out;
  }
  const key = schema.key!;
  if (patch.some((x) => isJsonObject(x) && x[PATCH] === 'replace')) {
    return patch.filter((x) => !(isJsonObject(x) && x[PATCH] === 'replace')).map((x) => stripDirectives(x));
  }
  const out = original ? cloneJson(original) : [];
  for (const item of patch) {
    if (!isJsonObject(item)) throw badRequest(`invalid patch: ${field} items must be objects, got ${JSON.stringify(item)}`);
    const kv = item[key];
    if (kv === undefined) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isJsonObject(o) && jsonEqual(o[key], kv));
    if (item[PATCH] === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) {
        const o = out[i];
        if (isJsonObject(o) && jsonEqual(o[key], kv)) out.splice(i, 1);
      }
      continue;
    }
    const merged = mergeMap(idx >= 0 ? (out[idx] as JsonObject) : undefined, item, schema.items);
    if (merged === DELETED) {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = merged;
    else out.push(merged);
  }
  return out;
}

/** Puts the listed elements in the listed order, in the positions such elements occupy now. */
function applyElementOrder(list: JsonValue[], order: JsonValue[], key: string | undefined): JsonValue[] {
  const idOf = (x: JsonValue): JsonValue | undefined => (key ? (isJsonObject(x) ? x[key] : undefined) : x);
  const rank = (x: JsonValue): number => {
    const id = idOf(x);
    return order.findIndex((o) => jsonEqual(key ? (isJsonObject(o) ? o[key] : undefined) : o, id));
  };
  const positions: number[] = [];
  const ordered: JsonValue[] = [];
  list.forEach((x, i) => {
    if (rank(x) >= 0) {
      positions.push(i);
      ordered.push(x);
    }
  });
  ordered.sort((a, b) => rank(a) - rank(b));
  const out = [...list];
  positions.forEach((p, i) => (out[p] = ordered[i]!));
  return out;
}

function stripDirectives(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!isDirective(k)) out[k] = stripDirectives(x);
  return out;
}

// ---- computing patches -------------------------------------------------------------------------

interface DiffOptions {
  ignoreDeletions?: boolean;
  ignoreChangesAndAdditions?: boolean;
}

function diffMaps(from: JsonObject, to: JsonObject, schema: Schema | undefined, opts: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  for (const k of keys) {
    const fv = from[k];
    const tv = to[k];
    if (!(k in to)) {
      if (!opts.ignoreDeletions) patch[k] = null;
      continue;
    }
    if (!(k in from)) {
      if (!opts.ignoreChangesAndAdditions) patch[k] = cloneJson(tv!);
      continue;
    }
    const fs = fieldSchema(schema, k);
    const ls = listSchema(fs);
    if (isJsonObject(fv) && isJsonObject(tv)) {
      const sub = diffMaps(fv, tv, fs, opts);
      if (Object.keys(sub).length) {
        if (fs?.t === 'object' && fs.retainKeys && !opts.ignoreChangesAndAdditions) sub[RETAIN_KEYS] = Object.keys(tv).sort();
        patch[k] = sub;
      }
    } else if (Array.isArray(fv) && Array.isArray(tv) && ls && ls.strategy !== 'atomic') {
      diffList(patch, k, fv, tv, ls, opts);
    } else if (!jsonEqual(fv, tv) && !opts.ignoreChangesAndAdditions) {
      patch[k] = cloneJson(tv!);
    }
  }
  return patch;
}

function diffList(
  patch: JsonObject,
  field: string,
  from: JsonValue[],
  to: JsonValue[],
  schema: Extract<Schema, { t: 'list' }>,
  opts: DiffOptions,
): void {
  if (schema.strategy === 'set') {
    const added = to.filter((x) => !from.some((f) => jsonEqual(f, x)));
    const removed = from.filter((x) => !to.some((t) => jsonEqual(t, x)));
    let changed = false;
    if (!opts.ignoreChangesAndAdditions && added.length) {
      patch[field] = cloneJson(added);
      changed = true;
    }
    if (!opts.ignoreDeletions && removed.length) {
      patch[`${DELETE_PRIMITIVE}${field}`] = cloneJson(removed);
      changed = true;
    }
    if (changed) patch[`${SET_ORDER}${field}`] = cloneJson(to);
    return;
  }
  const key = schema.key!;
  const same = (a: JsonValue, b: JsonValue): boolean => isJsonObject(a) && isJsonObject(b) && jsonEqual(a[key], b[key]);
  const items: JsonValue[] = [];
  for (const t of to) {
    const f = from.find((x) => same(x, t));
    if (!f) {
      if (!opts.ignoreChangesAndAdditions) items.push(cloneJson(t));
    } else if (isJsonObject(f) && isJsonObject(t)) {
      const sub = diffMaps(f, t, schema.items, opts);
      if (Object.keys(sub).length) items.push({ ...sub, [key]: t[key]! });
    }
  }
  if (!opts.ignoreDeletions) {
    for (const f of from) {
      if (isJsonObject(f) && !to.some((t) => same(f, t))) items.push({ [PATCH]: 'delete', [key]: f[key]! });
    }
  }
  if (items.length) {
    patch[`${SET_ORDER}${field}`] = to.filter(isJsonObject).map((t) => ({ [key]: t[key]! }));
    patch[field] = items;
  }
}

/** The two-way patch that turns `original` into `modified`. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, schema: Schema | undefined): JsonObject {
  return diffMaps(isJsonObject(original) ? original : {}, isJsonObject(modified) ? modified : {}, schema, {});
}

/** Merges two patches into one that has the effect of applying `a` then `b`. */
function mergePatches(a: JsonObject, b: JsonObject, schema: Schema | undefined): JsonObject {
  const out = cloneJson(a);
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    const fs = fieldSchema(schema, k);
    const ls = listSchema(fs);
    if (k.startsWith(DELETE_PRIMITIVE) && Array.isArray(cur) && Array.isArray(v)) {
      out[k] = [...cur, ...v.filter((x) => !cur.some((c) => jsonEqual(c, x)))];
    } else if (isJsonObject(v) && isJsonObject(cur)) {
      out[k] = mergePatches(cur, v, fs);
    } else if (Array.isArray(v) && Array.isArray(cur) && ls?.strategy === 'merge') {
      const key = ls.key!;
      const merged = cloneJson(cur);
      for (const item of v) {
        const idx = merged.findIndex((m) => isJsonObject(m) && isJsonObject(item) && jsonEqual(m[key], item[key]));
        if (idx >= 0 && isJsonObject(item)) merged[idx] = mergePatches(merged[idx] as JsonObject, item, ls.items);
        else merged.push(cloneJson(item));
      }
      out[k] = merged;
    } else if (Array.isArray(v) && Array.isArray(cur) && ls?.strategy === 'set') {
      out[k] = [...cur, ...v.filter((x) => !cur.some((c) => jsonEqual(c, x)))];
    } else {
      out[k] = cloneJson(v);
    }
  }
  return out;
}

/**
 * What `kubectl apply` sends: deletions of what the user removed since the last apply
 * (`original` → `modified`), plus the changes and additions that bring the live object
 * (`current`) to `modified`. Fields only the server or other writers set are left alone.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, schema: Schema | undefined): JsonObject {
  const o = isJsonObject(original) ? original : {};
  const m = isJsonObject(modified) ? modified : {};
  const c = isJsonObject(current) ? current : {};
  const deletions = diffMaps(o, m, schema, { ignoreChangesAndAdditions: true });
  const delta = diffMaps(c, m, schema, { ignoreDeletions: true });
  return mergePatches(deletions, delta, schema);
}
