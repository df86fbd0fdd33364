// What Deployments and ReplicaSets share: a non-empty selector that matches the template's labels,
// and a template whose spec is a valid pod spec that always restarts.
import { type FieldError, invalidValue, required } from '../field-errors.js';
import { labelSelectorFromObject, matchesLabels } from '../selectors/label-selector.js';
import type { PodTemplateSpec } from '../types/core.js';
import type { LabelSelector } from '../types/meta.js';
import { isObject, nonNegative, validateLabels, validateLabelSelector } from './checks.js';
import { validateAnnotations } from './metadata.js';
import { validatePodSpec } from './pod-spec.js';

export function validateReplicasAndSelector(
  path: string,
  replicas: unknown,
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  templateRequired: boolean,
): FieldError[] {
  const errs = nonNegative(`${path}.replicas`, replicas);
  if (!isObject(selector)) {
    errs.push(required(`${path}.selector`));
  } else {
    const selErrs = validateLabelSelector(`${path}.selector`, selector);
    errs.push(...selErrs);
    const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    if (empty) errs.push(invalidValue(`${path}.selector`, selector, 'empty selector is invalid for deployment'));
    if (!empty && selErrs.length === 0 && isObject(template)) {
      const labels = template.metadata?.labels ?? {};
      let matches = false;
      try {
        matches = matchesLabels(labelSelectorFromObject(selector), labels);
      } catch {
        matches = false;
      }
      if (!matches) {
        errs.push(invalidValue(`${path}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
      }
    }
  }
  if (!isObject(template)) {
    if (templateRequired || template !== undefined) errs.push(required(`${path}.template`));
    return errs;
  }
  errs.push(...validateLabels(`${path}.template.metadata.labels`, template.metadata?.labels));
  errs.push(...validateAnnotations(`${path}.template.metadata.annotations`, template.metadata?.annotations));
  errs.push(...validatePodSpec(`${path}.template.spec`, template.spec, { template: true }));
  return errs;
}
