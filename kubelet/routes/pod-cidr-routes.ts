// Host-gw pod networking: every node routes each other node's pod CIDR via that node's InternalIP.
// Pure: from the nodes and the routes Skiff installed, decide which to add, replace and delete.
import type { Node } from '../../api/types/core.js';

export interface PodCidrRoute {
  /** destination, e.g. 10.244.1.0/24 */
  cidr: string;
  /** next hop: the other node's InternalIP */
  via: string;
}

export interface RoutePlan {
  /** to install (`ip route replace`): new, or pointing at a new next hop */
  replace: PodCidrRoute[];
  /** Skiff's routes whose node went away or changed CIDR */
  remove: PodCidrRoute[];
}

function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

function podCidrs(node: Node): string[] {
  const spec = node.spec ?? {};
  if (spec.podCIDRs && spec.podCIDRs.length > 0) return spec.podCIDRs;
  return spec.podCIDR ? [spec.podCIDR] : [];
}

/** the routes this node wants: one per pod CIDR of every other node that has an InternalIP */
export function desiredRoutes(selfName: string, nodes: Node[]): PodCidrRoute[] {
  const routes: PodCidrRoute[] = [];
  for (const node of nodes) {
    if (node.metadata.name === selfName) continue;
    const via = internalIP(node);
    if (!via) continue;
    for (const cidr of podCidrs(node)) {
      if (cidr.includes(':') !== via.includes(':')) continue; // one address family per route
      routes.push({ cidr, via });
    }
  }
  return routes.sort((a, b) => a.cidr.localeCompare(b.cidr));
}

export function planRoutes(desired: PodCidrRoute[], installed: PodCidrRoute[]): RoutePlan {
  const have = new Map(installed.map((r) => [r.cidr, r.via]));
  const want = new Map(desired.map((r) => [r.cidr, r.via]));
  return {
    replace: desired.filter((r) => have.get(r.cidr) !== r.via),
    remove: installed.filter((r) => !want.has(r.cidr)),
  };
}
