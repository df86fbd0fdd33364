// apps/v1 ReplicaSet validation.
import { type FieldError, required } from '../field-errors.js';
import type { ReplicaSet } from '../types/apps.js';
import { immutable, isObject, nonNegative } from './checks.js';
import { validateReplicasAndSelector } from './pod-template.js';

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateReplicasAndSelector('spec', spec.replicas, spec.selector, spec.template, true);
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  const st = rs.status;
  if (isObject(st)) {
    for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
      errs.push(...nonNegative(`status.${k}`, st[k]));
    }
  }
  return errs;
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateReplicaSet(rs);
  if (isObject(rs.spec) && isObject(old.spec)) errs.push(...immutable('spec.selector', rs.spec.selector, old.spec.selector));
  return errs;
}
