// ObjectMeta validation (Kubernetes' ValidateObjectMeta / ValidateObjectMetaUpdate).
import { type FieldError, forbidden, invalidValue, required, tooLongTotal } from '../field-errors.js';
import { checkName, isDNS1123Label, isQualifiedName, type NameRule } from '../names.js';
import type { ObjectMeta } from '../types/meta.js';
import { arrayOf, immutable, isRecord, nonNegative, validateLabels } from './checks.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateAnnotations(path: string, annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isRecord(annotations)) return [invalidValue(path, annotations, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, m));
    if (typeof v !== 'string') errs.push(invalidValue(`${path}[${k}]`, v, 'must be a string'));
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLongTotal(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(path: string, refs: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  arrayOf<Record<string, unknown>>(refs).forEach((r, i) => {
    const p = `${path}[${i}]`;
    if (!r.apiVersion) errs.push(invalidValue(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(invalidValue(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(invalidValue(`${p}.name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(invalidValue(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller === true) controllers.push(`${String(r.kind)}/${String(r.name)}`);
  });
  if (controllers.length > 1) {
    errs.push(invalidValue(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

function validateFinalizers(path: string, finalizers: unknown): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf<unknown>(finalizers).forEach((f, i) => {
    if (typeof f !== 'string') errs.push(invalidValue(`${path}[${i}]`, f, 'must be a string'));
    else for (const m of isQualifiedName(f)) errs.push(invalidValue(`${path}[${i}]`, f, m));
  });
  return errs;
}

export interface MetaRules {
  namespaced: boolean;
  nameRule: NameRule;
}

export function validateObjectMeta(metaIn: ObjectMeta | undefined, rules: MetaRules): FieldError[] {
  if (!isRecord(metaIn)) return [required('metadata')];
  const meta: ObjectMeta = metaIn;
  const errs: FieldError[] = [];
  if (meta.name) {
    if (typeof meta.name !== 'string') errs.push(invalidValue('metadata.name', meta.name, 'must be a string'));
    else for (const m of checkName(rules.nameRule, meta.name)) errs.push(invalidValue('metadata.name', meta.name, m));
  } else if (meta.generateName) {
    const prefix = String(meta.generateName).replace(/-$/, '');
    for (const m of checkName(rules.nameRule, prefix)) errs.push(invalidValue('metadata.generateName', meta.generateName, m));
  } else {
    errs.push(required('metadata.name', 'name or generateName is required'));
  }
  if (rules.namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalidValue('metadata.namespace', meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...nonNegative('metadata.generation', meta.generation));
  errs.push(...nonNegative('metadata.deletionGracePeriodSeconds', meta.deletionGracePeriodSeconds));
  errs.push(...validateLabels('metadata.labels', meta.labels));
  errs.push(...validateAnnotations('metadata.annotations', meta.annotations));
  errs.push(...validateOwnerReferences('metadata.ownerReferences', meta.ownerReferences));
  errs.push(...validateFinalizers('metadata.finalizers', meta.finalizers));
  return errs;
}

/** name, namespace, uid and creationTimestamp may not change (when the new object states them). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...immutable('metadata.name', meta.name, old.name));
  if (meta.namespace !== undefined && meta.namespace !== '') errs.push(...immutable('metadata.namespace', meta.namespace, old.namespace));
  if (meta.uid) errs.push(...immutable('metadata.uid', meta.uid, old.uid));
  if (meta.creationTimestamp) errs.push(...immutable('metadata.creationTimestamp', meta.creationTimestamp, old.creationTimestamp));
  return errs;
}
