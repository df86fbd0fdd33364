// The `kubectl.kubernetes.io/last-applied-configuration` annotation: the manifest as JSON with
// sorted keys (without the annotation itself), newline-terminated, as kubectl writes it. Pure.
import type { KubeObject } from '../../api/types/meta.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** kubectl records the object with its namespace filled in and an (empty) annotations map. */
function withoutAnnotation(obj: KubeObject, namespace: string | undefined): KubeObject {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations } };
  delete copy.metadata.annotations![LAST_APPLIED_ANNOTATION];
  if (namespace) copy.metadata.namespace = namespace;
  return copy;
}

/**
 * The manifest as `kubectl apply` sends it: with the annotation holding the manifest itself.
 * `namespace` is the target namespace of a namespaced object.
 */
export function withLastApplied(obj: KubeObject, namespace?: string): KubeObject {
  const clean = withoutAnnotation(obj, namespace);
  const annotation = `${JSON.stringify(sortKeys(clean))}\n`;
  const modified = structuredClone(clean);
  modified.metadata = { ...modified.metadata, annotations: { ...modified.metadata?.annotations, [LAST_APPLIED_ANNOTATION]: annotation } };
  return modified;
}

/** The previous manifest recorded on the live object, if any. */
export function lastApplied(live: KubeObject): KubeObject | undefined {
  const text = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as KubeObject;
  } catch {
    return undefined;
  }
}
