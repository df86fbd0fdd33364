// Checks on a decoded request body before it reaches the registry: it must be an object of the
// URL's kind and apiVersion, in the URL's namespace.
import type { ResourceInfo } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { badRequest } from '../../api/status.js';

export function asObjectOf(info: Pick<ResourceInfo, 'group' | 'version' | 'kind' | 'namespaced'>, raw: unknown, urlNamespace: string | undefined, expectKind = info.kind, expectApiVersion = apiVersionOf(info as ResourceInfo)): KubeObject {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(`the request body must be a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  const obj = raw as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expectApiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectApiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== expectKind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${expectKind})`);
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw badRequest('metadata: must be an object');
  if (info.namespaced && urlNamespace !== undefined && obj.metadata.namespace && obj.metadata.namespace !== urlNamespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.apiVersion = expectApiVersion;
  obj.kind = expectKind;
  return obj;
}
