// The resources Skiff serves: one table that the apiserver (routes, discovery), the client (paths)
// and skiffctl (names, short names) all read, so they cannot disagree.

export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  resource: string; // plural, lower case: 'pods'
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: string[]; // 'status', 'binding', 'scale', 'log', 'exec', 'portforward', 'proxy'
  verbs: string[];
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'subresources' | 'verbs'>> = {},
): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    subresources: extra.subresources ?? [],
    verbs: extra.verbs ?? allVerbs,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'binding', 'log', 'exec', 'portforward', 'attach'],
  }),
  r('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status', 'proxy'] }),
  r('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: ['status'] }),
  r('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  r('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  r('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
];

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The URL prefix of a group-version: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

/** Path of a collection or one object, e.g. `/api/v1/namespaces/default/pods/nginx/status`. */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(info);
  if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${info.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((i) => apiVersionOf(i) === apiVersion && i.kind === kind);
}

export function findByResource(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((i) => i.group === group && i.resource === resource);
}

/** What a user may type: `pods`, `pod`, `po`, `Pod`, `deployments.apps`, `deploy`. */
export function findByUserName(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const [base, group] = lower.includes('.') ? [lower.slice(0, lower.indexOf('.')), lower.slice(lower.indexOf('.') + 1)] : [lower, undefined];
  return RESOURCES.find(
    (i) =>
      (group === undefined || i.group === group) &&
      (i.resource === base || i.singular === base || i.shortNames.includes(base) || i.kind.toLowerCase() === base),
  );
}
