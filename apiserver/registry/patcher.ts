// Applying a PATCH body to a live object: JSON merge patch, JSON patch, strategic merge patch.
// (Server-side apply is separate: it needs the field managers, see apply-route.)
import type { KubeObject } from '../../api/types/meta.js';
import { badRequest, StatusError } from '../../api/status.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { schemaFor } from '../../api/schema.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import type { PatchKind } from '../http/negotiation.js';

/** `type` names the schema the strategic patch follows: the object's apiVersion and kind. */
export function applyPatchDocument(kind: Exclude<PatchKind, 'apply'>, live: KubeObject, patch: unknown, type: { apiVersion: string; kind: string }): KubeObject {
  let out: unknown;
  try {
    switch (kind) {
      case 'merge':
        if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('a merge patch must be a JSON object');
        out = applyMergePatch(live, patch);
        break;
      case 'json':
        out = applyJsonPatch(live, patch);
        break;
      case 'strategic':
        out = applyStrategicMergePatch(live, patch, schemaFor(type.apiVersion, type.kind));
        break;
    }
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw badRequest(`the patch could not be applied: ${(e as Error).message}`);
  }
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw badRequest('the patched document is not an object');
  return out as KubeObject;
}
