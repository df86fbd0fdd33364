// The predicate a list or watch applies: namespace, label selector, field selector.
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { isEverything, matchesLabels, parseLabelSelector } from '../../api/selectors/label-selector.js';
import { fieldSelectorPredicate } from '../../api/selectors/field-selector.js';

export type ObjectPredicate = (obj: KubeObject) => boolean;

export interface SelectionOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Builds the predicate; throws a 400 StatusError for a malformed selector. */
export function selectionPredicate(info: ResourceInfo, opts: SelectionOptions): { predicate: ObjectPredicate; matchesAll: boolean } {
  const label = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
  const field = opts.fieldSelector ? fieldSelectorPredicate(info, opts.fieldSelector) : undefined;
  const labelAll = !label || isEverything(label);
  const ns = info.namespaced ? opts.namespace : undefined;
  if (labelAll && !field && !ns) return { predicate: () => true, matchesAll: true };
  return {
    matchesAll: false,
    predicate: (obj) =>
      (!ns || obj.metadata.namespace === ns) &&
      (labelAll || matchesLabels(label!, obj.metadata.labels)) &&
      (!field || field(obj)),
  };
}
