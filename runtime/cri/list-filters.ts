// Pure list filtering as the CRI defines it: every given field must match (AND); ids match by
// prefix (crictl passes truncated ids); the label selector is matchLabels only.
import type { StringMap } from './cri-types.js';

export function labelsMatch(labels: StringMap, selector: StringMap | undefined | null): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function idMatches(id: string, wanted: string | undefined | null): boolean {
  return !wanted || id.startsWith(wanted);
}

/**
 * Resolves an id or unique id prefix among `ids`. Returns undefined when nothing matches;
 * throws when the prefix is ambiguous.
 */
export function resolveId(ids: Iterable<string>, wanted: string): string | undefined {
  if (!wanted) return undefined;
  let found: string | undefined;
  for (const id of ids) {
    if (id === wanted) return id;
    if (id.startsWith(wanted)) {
      if (found) throw new Error(`id prefix "${wanted}" is ambiguous`);
      found = id;
    }
  }
  return found;
}
