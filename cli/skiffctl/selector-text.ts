// metav1.FormatLabelSelector: `app=web,tier in (a,b),!legacy`, `<none>` for an empty selector.
import type { LabelSelector } from '../../api/types/meta.js';

export function selectorString(sel: LabelSelector | undefined): string {
  const parts = Object.keys(sel?.matchLabels ?? {})
    .sort()
    .map((k) => `${k}=${sel!.matchLabels![k]}`);
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
