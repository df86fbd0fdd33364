// Pod validation: create (the spec) and update (the pod spec is immutable except a few fields).
import { type FieldError, forbidden } from '../field-errors.js';
import type { Pod, PodSpec, Toleration } from '../types/core.js';
import { jsonEqual } from '../json-value.js';
import { isObject, isRecord, oneOf } from './checks.js';
import { validatePodSpec } from './pod-spec.js';

const PHASES = ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'];

export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodSpec('spec', pod.spec);
  if (isObject(pod.status)) errs.push(...oneOf('status.phase', pod.status.phase, PHASES));
  return errs;
}

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Lines `-path: old` / `+path: new` for every leaf that differs (a readable stand-in for cmp.Diff). */
export function diffLines(a: unknown, b: unknown, path: string, out: string[] = []): string[] {
  if (jsonEqual(a, b)) return out;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffLines(a[k], b[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffLines(x, b[i], `${path}[${i}]`, out));
    return out;
  }
  if (a !== undefined) out.push(`-  ${path}: ${JSON.stringify(a)}`);
  if (b !== undefined) out.push(`+  ${path}: ${JSON.stringify(b)}`);
  return out;
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? '') === (b.key ?? '') &&
    (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '')
  );
}

/** Every old toleration must still be there; only a NoExecute toleration's seconds may shrink. */
function validateTolerationsUpdate(newT: Toleration[], oldT: Toleration[]): FieldError[] {
  for (const o of oldT) {
    const match = newT.find((n) => sameToleration(n, o));
    if (!match) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
    if (o.tolerationSeconds !== undefined && (match.tolerationSeconds === undefined || match.tolerationSeconds > o.tolerationSeconds)) {
      return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validatePod(pod);
  if (!isObject(pod.spec) || !isObject(old.spec)) return errs;
  const oldSpec = old.spec;
  const munged = clone(pod.spec) as PodSpec;
  for (const list of ['containers', 'initContainers'] as const) {
    const n = munged[list];
    const o = oldSpec[list];
    if (Array.isArray(n) && Array.isArray(o) && n.length === o.length) {
      n.forEach((c, i) => {
        if (isObject(c) && isObject(o[i])) c.image = o[i]!.image;
      });
    }
  }
  const nd = munged.activeDeadlineSeconds;
  const od = oldSpec.activeDeadlineSeconds;
  if (nd !== undefined && (od === undefined || nd <= od)) {
    if (od === undefined) delete munged.activeDeadlineSeconds;
    else munged.activeDeadlineSeconds = od;
  }
  const tolErrs = validateTolerationsUpdate(munged.tolerations ?? [], oldSpec.tolerations ?? []);
  errs.push(...tolErrs);
  if (oldSpec.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = clone(oldSpec.tolerations);
  if ((oldSpec.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (!jsonEqual(munged, oldSpec)) {
    const diff = diffLines(oldSpec, munged, 'spec').join('\n');
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`));
  }
  return errs;
}
