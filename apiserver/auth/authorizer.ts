// Authorization decisions (pure). `system:masters` may do everything. A node (group `system:nodes`,
// user `system:node:<name>`) may read everything and write only what belongs to it: its Node and
// node status, its Lease in kube-node-lease, pods bound to it (status, delete), and events.
import type { KubeObject } from '../../api/types/meta.js';
import type { UserInfo } from './token-file.js';

export interface AuthzRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** set for non-resource paths */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
  /** for node writes to pods: the bound-node check needs the live object */
  needsPodNode?: string;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes('system:nodes')) return undefined;
  return user.username.startsWith('system:node:') ? user.username.slice('system:node:'.length) : undefined;
}

export function authorize(user: UserInfo, req: AuthzRequest): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true };
  if (req.path !== undefined) {
    return user.groups.includes('system:authenticated') || user.groups.includes('system:nodes')
      ? { allowed: true }
      : { allowed: false };
  }
  const node = nodeNameOf(user);
  if (node === undefined) return { allowed: false };
  if (READ_VERBS.has(req.verb)) return { allowed: true };
  const gr = `${req.group}/${req.resource}`;
  if (req.group === 'authentication.k8s.io' && req.resource === 'tokenreviews' && req.verb === 'create') return { allowed: true };
  if (gr === '/nodes') {
    if (req.verb === 'create') return { allowed: true, reason: 'own node' };
    if (req.name === node && ['update', 'patch'].includes(req.verb)) return { allowed: true };
    return { allowed: false };
  }
  if (gr === 'coordination.k8s.io/leases') {
    if (req.namespace !== 'kube-node-lease') return { allowed: false };
    if (req.verb === 'create') return { allowed: true };
    return { allowed: req.name === node && ['update', 'patch', 'delete'].includes(req.verb) };
  }
  if (gr === '/events') return { allowed: ['create', 'patch', 'update'].includes(req.verb) };
  if (gr === '/pods') {
    const podWrite =
      (req.subresource === 'status' && ['update', 'patch'].includes(req.verb)) ||
      (req.subresource === undefined && req.verb === 'delete');
    if (podWrite && req.name) return { allowed: true, needsPodNode: node };
    return { allowed: false };
  }
  return { allowed: false };
}

/** The second half of a node's pod write: the pod must be bound to that node. */
export function podBoundTo(pod: KubeObject, node: string): boolean {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName === node;
}

/** For a node creating its Node object or Lease: the name in the body must be its own. */
export function nodeMayCreate(user: UserInfo, resource: string, body: KubeObject): boolean {
  const node = nodeNameOf(user);
  if (node === undefined) return true;
  if (resource === 'nodes' || resource === 'leases') return body.metadata?.name === node;
  return true;
}

export function forbiddenMessage(user: UserInfo, req: AuthzRequest): string {
  if (req.path !== undefined) return `forbidden: User ${JSON.stringify(user.username)} cannot ${req.verb} path ${JSON.stringify(req.path)}`;
  const res = req.group ? `${req.resource}.${req.group}` : req.resource;
  const sub = req.subresource ? `/${req.subresource}` : '';
  const named = req.name ? `${res} ${JSON.stringify(req.name)}` : res;
  const scope = req.namespace ? `in the namespace ${JSON.stringify(req.namespace)}` : 'at the cluster scope';
  return `${named} is forbidden: User ${JSON.stringify(user.username)} cannot ${req.verb} resource ${JSON.stringify(req.resource + sub)} in API group ${JSON.stringify(req.group)} ${scope}`;
}
