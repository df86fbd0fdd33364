// etcd keys: /registry/<resource>/<namespace>/<name>, cluster-scoped /registry/<resource>/<name>.
import type { ResourceInfo } from '../../api/resources.js';

export const REGISTRY_PREFIX = '/registry/';

function resourceDir(info: Pick<ResourceInfo, 'resource' | 'group'>): string {
  return `${REGISTRY_PREFIX}${info.resource}/`;
}

export function objectKey(info: Pick<ResourceInfo, 'resource' | 'group' | 'namespaced'>, namespace: string | undefined, name: string): string {
  return info.namespaced ? `${resourceDir(info)}${namespace}/${name}` : `${resourceDir(info)}${name}`;
}

/** Prefix of a collection: one namespace's objects, or all of the resource (namespace undefined). */
export function collectionPrefix(info: Pick<ResourceInfo, 'resource' | 'group' | 'namespaced'>, namespace?: string): string {
  return info.namespaced && namespace ? `${resourceDir(info)}${namespace}/` : resourceDir(info);
}

/** The prefix one shared watch covers: the whole resource. */
export function resourcePrefix(info: Pick<ResourceInfo, 'resource' | 'group'>): string {
  return resourceDir(info);
}
