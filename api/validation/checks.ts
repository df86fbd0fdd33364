// Small field checks shared by the per-kind validators, each returning FieldErrors at a path.
import { type FieldError, invalidValue, notSupported, required } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from '../names.js';
import { isValidQuantity, QUANTITY_REGEX, parseQuantity } from '../quantity.js';
import type { LabelSelector } from '../types/meta.js';
import { jsonEqual } from '../json-value.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** For typed values: present and a plain object (narrows `X | undefined` to `X`). */
export function isObject<T>(v: T): v is Exclude<T, null | undefined | string | number | boolean | readonly unknown[]> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The array, or [] for anything else (a wrong type is reported where it matters). */
export function arrayOf<T>(v: T[] | undefined | unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function nonNegative(path: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v)) return [invalidValue(path, v, 'must be an integer')];
  return v < 0 ? [invalidValue(path, v, 'must be greater than or equal to 0')] : [];
}

export function positive(path: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v)) return [invalidValue(path, v, 'must be an integer')];
  return v <= 0 ? [invalidValue(path, v, 'must be greater than 0')] : [];
}

export function oneOf(path: string, v: unknown, allowed: readonly string[], requiredValue = false): FieldError[] {
  if (v === undefined || v === null || v === '') return requiredValue ? [required(path)] : [];
  return typeof v === 'string' && allowed.includes(v) ? [] : [notSupported(path, v, [...allowed].sort())];
}

export function validateLabels(path: string, labels: unknown): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isRecord(labels)) return [invalidValue(path, labels, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalidValue(path, k, m));
    if (typeof v !== 'string') errs.push(invalidValue(`${path}[${k}]`, v, 'must be a string'));
    else for (const m of isValidLabelValue(v)) errs.push(invalidValue(path, v, m));
  }
  return errs;
}

/** A port number (1..65535) or an IANA service name, as probes and targetPort take. */
export function validatePortNumOrName(path: string, port: unknown): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalidValue(path, port, m));
  if (typeof port === 'string') {
    if (port === '') return [required(path)];
    return isValidPortName(port).map((m) => invalidValue(path, port, m));
  }
  return port === undefined ? [required(path)] : [invalidValue(path, port, 'must be a port number or a port name')];
}

export function validatePortNumber(path: string, port: unknown, requiredValue: boolean): FieldError[] {
  if (port === undefined || port === null || port === 0) return requiredValue ? [required(path)] : [];
  if (typeof port !== 'number') return [invalidValue(path, port, 'must be between 1 and 65535, inclusive')];
  return isValidPortNum(port).map((m) => invalidValue(path, port, m));
}

export function validateQuantity(path: string, v: unknown): FieldError[] {
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string' || !isValidQuantity(v)) {
    return [invalidValue(path, v, `quantities must match the regular expression '${QUANTITY_REGEX}'`)];
  }
  return parseQuantity(v).nanos < 0n ? [invalidValue(path, v, 'must be greater than or equal to 0')] : [];
}

const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods'];

export function validateResourceList(path: string, list: unknown): FieldError[] {
  if (list === undefined || list === null) return [];
  if (!isRecord(list)) return [invalidValue(path, list, 'must be a map of resource names to quantities')];
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list)) {
    const p = `${path}[${name}]`;
    const standard = STANDARD_RESOURCES.includes(name) || name.startsWith('hugepages-') || name.includes('/');
    if (!standard) errs.push(invalidValue(p, name, 'must be a standard resource type or fully qualified'));
    else if (name.includes('/')) for (const m of isQualifiedName(name)) errs.push(invalidValue(p, name, m));
    errs.push(...validateQuantity(p, q));
  }
  return errs;
}

/** A LabelSelector object: matchLabels as labels, matchExpressions well formed. */
export function validateLabelSelector(path: string, sel: LabelSelector | undefined): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(`${path}.matchLabels`, sel.matchLabels);
  arrayOf<{ key?: unknown; operator?: unknown; values?: unknown }>(sel.matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (typeof e.key !== 'string' || e.key === '') errs.push(required(`${p}.key`));
    else for (const m of isQualifiedName(e.key)) errs.push(invalidValue(`${p}.key`, e.key, m));
    const values = arrayOf<unknown>(e.values);
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length) errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, message: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else {
      errs.push(notSupported(`${p}.operator`, e.operator, ['DoesNotExist', 'Exists', 'In', 'NotIn']));
    }
    values.forEach((v, j) => {
      if (typeof v !== 'string') errs.push(invalidValue(`${p}.values[${j}]`, v, 'must be a string'));
      else for (const m of isValidLabelValue(v)) errs.push(invalidValue(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

/** Kubernetes' ValidateImmutableField. */
export function immutable(path: string, newValue: unknown, oldValue: unknown): FieldError[] {
  return jsonEqual(newValue, oldValue) ? [] : [invalidValue(path, newValue, 'field is immutable')];
}
