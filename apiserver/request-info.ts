// Parses a request path into what it addresses (as Kubernetes' RequestInfoFactory does): a resource
// request (group, version, resource, namespace, name, subresource, verb) or a non-resource path.
import { findByResource, type ResourceInfo } from '../api/resources.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  info: ResourceInfo;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  verb: Verb;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
  verb: string;
}

/** A path under /api or /apis naming a resource we do not serve. */
export interface UnknownResourceRequest {
  kind: 'unknown';
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest | UnknownResourceRequest;

/** /namespaces/{name}/status addresses the namespace itself, as in Kubernetes. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function verbFor(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: 'nonresource', path, verb: method.toLowerCase() };
  }
  if (rest.length === 0) return { kind: 'nonresource', path, verb: method.toLowerCase() };
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}... ; but /namespaces and /namespaces/{name}[/status] address namespaces
  if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length) return { kind: 'unknown', path };
  const info = findByResource(group, resource!);
  if (!info || info.version !== version) return { kind: 'unknown', path };
  if (!info.namespaced && namespace !== undefined) return { kind: 'unknown', path };
  if (subresource !== undefined && !info.subresources.includes(subresource)) return { kind: 'unknown', path };
  const isWatch = watchParam && name === undefined && subresource === undefined;
  const verb = verbFor(method, name !== undefined, isWatch);
  if (!verb) return { kind: 'unknown', path };
  return { kind: 'resource', info, group, version, namespace, name, subresource, verb };
}
