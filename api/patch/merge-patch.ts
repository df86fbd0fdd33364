// JSON Merge Patch (RFC 7386), `application/merge-patch+json`: objects merge key by key, `null`
// deletes, anything else (lists included) replaces.
import { type JsonObject, type JsonValue, cloneJson, isJsonObject, jsonEqual } from '../json-value.js';

/** Returns the patched document; the inputs are not modified. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch as JsonValue);
  const out: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** The merge patch that turns `original` into `modified`. */
export function createMergePatch(original: unknown, modified: unknown): JsonValue {
  if (!isJsonObject(original) || !isJsonObject(modified)) return cloneJson(modified as JsonValue);
  const patch: JsonObject = {};
  for (const k of Object.keys(original)) if (!(k in modified)) patch[k] = null;
  for (const [k, v] of Object.entries(modified)) {
    const o = original[k];
    if (o === undefined) patch[k] = cloneJson(v);
    else if (isJsonObject(o) && isJsonObject(v)) {
      const sub = createMergePatch(o, v);
      if (isJsonObject(sub) && Object.keys(sub).length) patch[k] = sub;
    } else if (!jsonEqual(o, v)) patch[k] = cloneJson(v);
  }
  return patch;
}
