// Server-side apply (`application/apply-patch+yaml`) and field ownership in
// `metadata.managedFields`. An applier owns exactly the fields of its last applied configuration:
// fields it stops applying are removed unless another manager also owns them, and a field another
// manager owns with a different value is a conflict unless forced (then ownership moves).
// Ordinary writes (create, update, patch) are recorded as `Update` entries by recordUpdate.
import type { KubeObject, ManagedFieldsEntry } from './types/meta.js';
import type { StatusCause } from './types/meta.js';
import { schemaFor, type Schema } from './schema.js';
import { applyConflict } from './status.js';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.js';
import { type JsonObject, type JsonValue, cloneJson, isJsonObject, jsonEqual } from './json-value.js';
import { deleteAt, fieldSetOf, fieldsV1Of, formatPath, fromFieldsV1, isLeafField, isPrefixOf, parsePathKey, toFieldsV1, valueAt } from './field-set.js';

export interface ApplyConflict {
  /** Kubernetes' printed path, e.g. `.spec.replicas`. */
  field: string;
  /** The other manager's name. */
  manager: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

export interface ApplyResult {
  object: KubeObject;
  conflicts: ApplyConflict[];
}

interface Manager {
  entry: ManagedFieldsEntry;
  fields: Set<string>;
}

function schemaOf(obj: KubeObject | undefined): Schema | undefined {
  return obj?.apiVersion && obj.kind ? schemaFor(obj.apiVersion, obj.kind) : undefined;
}

function managersOf(obj: KubeObject | undefined): Manager[] {
  return (obj?.metadata?.managedFields ?? []).map((e) => ({ entry: { ...e }, fields: fromFieldsV1(e.fieldsV1) }));
}

function sameEntry(a: ManagedFieldsEntry, b: ManagedFieldsEntry): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

function toEntries(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.fields.size > 0)
    .map((m) => {
      const e: ManagedFieldsEntry = {
        manager: m.entry.manager,
        operation: m.entry.operation,
        apiVersion: m.entry.apiVersion,
        time: m.entry.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(m.fields),
      };
      if (m.entry.subresource) e.subresource = m.entry.subresource;
      return e;
    });
}

function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

/** How Kubernetes names a manager in a conflict: `"kubectl-client-side-apply" using apps/v1`. */
export function describeManager(c: Pick<ApplyConflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion ?? ''}`;
  return s;
}

/** `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas` */
export function formatApplyConflicts(conflicts: readonly ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${describeManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const d = describeManager(c);
    byManager.set(d, [...(byManager.get(d) ?? []), c.field]);
  }
  const lines: string[] = [];
  for (const d of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${d}:`);
    for (const f of byManager.get(d)!) lines.push(`- ${f}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Status for apply conflicts, one cause per field. */
export function applyConflictError(conflicts: readonly ApplyConflict[]) {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c)}`,
    field: c.field,
  }));
  return applyConflict(formatApplyConflicts(conflicts), causes);
}

/**
 * Applies `applied` (the user's configuration) as `manager`. On conflicts without `force` the live
 * object is returned unchanged with the conflicts; the caller answers 409 (applyConflictError).
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force: boolean,
  now: string,
): ApplyResult {
  const config = withoutNulls(cloneJson(applied) as unknown as JsonValue) as unknown as KubeObject;
  delete config.status;
  if (config.metadata) delete config.metadata.managedFields;
  const schema = schemaOf(config) ?? schemaOf(live);
  const appliedSet = fieldSetOf(config, schema, { skipStatus: true });
  const managers = managersOf(live);
  const me: ManagedFieldsEntry = { manager, operation: 'Apply' };
  const mine = managers.find((m) => sameEntry(m.entry, me));
  const others = managers.filter((m) => m !== mine);

  const conflicts: ApplyConflict[] = [];
  const conflictPaths = new Map<Manager, string[]>();
  for (const key of appliedSet) {
    const path = parsePathKey(key);
    if (!isLeafField(path)) continue;
    for (const m of others) {
      if (!m.fields.has(key)) continue;
      if (jsonEqual(valueAt(live, path), valueAt(config, path))) continue;
      conflicts.push({
        field: formatPath(path),
        manager: m.entry.manager ?? '',
        operation: m.entry.operation,
        apiVersion: m.entry.apiVersion,
        ...(m.entry.subresource ? { subresource: m.entry.subresource } : {}),
      });
      conflictPaths.set(m, [...(conflictPaths.get(m) ?? []), key]);
    }
  }
  conflicts.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  if (conflicts.length && !force) return { object: live ?? config, conflicts };
  for (const [m, keys] of conflictPaths) for (const k of keys) m.fields.delete(k);

  const base = (live ? cloneJson(live) : { apiVersion: config.apiVersion, kind: config.kind, metadata: {} }) as KubeObject;
  const ownedByOthers = (key: string): boolean => others.some((m) => [...m.fields].some((f) => isPrefixOf(key, f)));
  const removed = [...(mine?.fields ?? [])].filter((k) => !appliedSet.has(k) && !ownedByOthers(k));
  removed.sort((a, b) => parsePathKey(b).length - parsePathKey(a).length);
  for (const k of removed) deleteAt(base, parsePathKey(k));

  const merged = applyStrategicMergePatch(base, config, schema) as unknown as KubeObject;
  const entry: Manager = {
    entry: { manager, operation: 'Apply', apiVersion: config.apiVersion ?? live?.apiVersion, time: now },
    fields: appliedSet,
  };
  const next = mine ? managers.map((m) => (m === mine ? entry : m)) : [...managers, entry];
  merged.metadata ??= {};
  merged.metadata.managedFields = toEntries(next);
  if (live && isNoOp(live, merged)) merged.metadata.managedFields = cloneJson(live.metadata.managedFields);
  return { object: merged, conflicts: force ? [] : conflicts };
}

function withoutTimes(entries: ManagedFieldsEntry[] | undefined): Omit<ManagedFieldsEntry, 'time'>[] {
  return (entries ?? []).map(({ time: _time, ...rest }) => rest);
}

function withoutManagedFields(o: KubeObject): KubeObject {
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  return { ...o, metadata };
}

/**
 * Kubernetes' IgnoreManagedFieldsTimestampsTransformer: a write that changes nothing but the
 * managedFields timestamps keeps the old timestamps, so a repeated apply is a no-op.
 */
function isNoOp(before: KubeObject, after: KubeObject): boolean {
  return (
    jsonEqual(withoutManagedFields(before), withoutManagedFields(after)) &&
    jsonEqual(withoutTimes(before.metadata.managedFields), withoutTimes(after.metadata.managedFields))
  );
}

/** recordUpdate with nothing before: the writer owns every field of the new object. */
function recordCreate(after: KubeObject, manager: string, now: string, schema: Schema | undefined, subresource?: string): KubeObject {
  const fields = fieldsV1Of(after, schema);
  after.metadata ??= {};
  if (Object.keys(fields).length === 0) {
    delete after.metadata.managedFields;
    return after;
  }
  const e: ManagedFieldsEntry = { manager, operation: 'Update', apiVersion: after.apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: fields };
  if (subresource) e.subresource = subresource;
  after.metadata.managedFields = [e];
  return after;
}

/**
 * Records an ordinary write (create, update, patch) by `manager` in `after.metadata.managedFields`:
 * the manager takes the fields it changed (from any other owner), and fields that no longer exist
 * leave every owner. Returns `after`.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  now: string,
  subresource?: string,
): KubeObject {
  const schema = schemaOf(after) ?? schemaOf(before);
  if (!before) return recordCreate(after, manager, now, schema, subresource);
  const afterSet = fieldSetOf(after, schema);
  const beforeSet = fieldSetOf(before, schema);
  const changed = new Set<string>();
  for (const key of afterSet) {
    if (!beforeSet.has(key)) changed.add(key);
    else {
      const path = parsePathKey(key);
      if (isLeafField(path) && !jsonEqual(valueAt(before, path), valueAt(after, path))) changed.add(key);
    }
  }
  const managers = managersOf(before);
  for (const m of managers) {
    for (const k of [...m.fields]) if (!afterSet.has(k) || changed.has(k)) m.fields.delete(k);
  }
  const me: ManagedFieldsEntry = { manager, operation: 'Update', ...(subresource ? { subresource } : {}) };
  let mine = managers.find((m) => sameEntry(m.entry, me));
  if (changed.size) {
    if (!mine) {
      mine = { entry: me, fields: new Set() };
      managers.push(mine);
    }
    for (const k of changed) mine.fields.add(k);
    mine.entry = { ...me, apiVersion: after.apiVersion ?? before?.apiVersion, time: now };
  }
  after.metadata ??= {};
  const entries = toEntries(managers);
  if (entries.length) after.metadata.managedFields = entries;
  else delete after.metadata.managedFields;
  return after;
}
