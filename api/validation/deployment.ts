// apps/v1 Deployment validation (Kubernetes' ValidateDeploymentSpec and ...Update).
import { type FieldError, forbidden, invalidValue, required } from '../field-errors.js';
import type { Deployment } from '../types/apps.js';
import type { IntOrString } from '../types/meta.js';
import { immutable, isObject, nonNegative, oneOf } from './checks.js';
import { validateReplicasAndSelector } from './pod-template.js';

const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** The value in percent or units, or an error; `isPercent` says which. */
function intOrPercent(path: string, v: IntOrString | undefined): { errs: FieldError[]; value: number; isPercent: boolean } {
  if (v === undefined || v === null) return { errs: [], value: 0, isPercent: false };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return { errs: [invalidValue(path, v, 'must be an integer')], value: 0, isPercent: false };
    return { errs: v < 0 ? [invalidValue(path, v, 'must be greater than or equal to 0')] : [], value: v, isPercent: false };
  }
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return { errs: [], value: Number(v.slice(0, -1)), isPercent: true };
  return { errs: [invalidValue(path, v, PERCENT_MSG)], value: 0, isPercent: false };
}

function validateStrategy(d: Deployment): FieldError[] {
  const s = d.spec?.strategy;
  if (s === undefined) return [];
  if (!isObject(s)) return [invalidValue('spec.strategy', s, 'must be an object')];
  const errs = oneOf('spec.strategy.type', s.type, ['Recreate', 'RollingUpdate'], true);
  if (s.type === 'Recreate' && s.rollingUpdate !== undefined) {
    errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (s.type === 'RollingUpdate') {
    const ru = s.rollingUpdate;
    if (!isObject(ru)) {
      errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      return errs;
    }
    const base = 'spec.strategy.rollingUpdate';
    const un = intOrPercent(`${base}.maxUnavailable`, ru.maxUnavailable);
    const surge = intOrPercent(`${base}.maxSurge`, ru.maxSurge);
    errs.push(...un.errs, ...surge.errs);
    if (un.isPercent && un.value > 100) errs.push(invalidValue(`${base}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
    if (!un.errs.length && !surge.errs.length && un.value === 0 && surge.value === 0) {
      errs.push(invalidValue(`${base}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateReplicasAndSelector('spec', spec.replicas, spec.selector, spec.template, true);
  errs.push(...validateStrategy(d));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  errs.push(...nonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
  if (
    typeof spec.progressDeadlineSeconds === 'number' &&
    spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)
  ) {
    errs.push(invalidValue('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  const st = d.status;
  if (isObject(st)) {
    for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const) {
      errs.push(...nonNegative(`status.${k}`, st[k]));
    }
  }
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateDeployment(d);
  if (isObject(d.spec) && isObject(old.spec)) errs.push(...immutable('spec.selector', d.spec.selector, old.spec.selector));
  return errs;
}
