// Filter: no host port the pod asks for is already taken on the node. A port bound on 0.0.0.0
// conflicts with the same protocol/port on any address.
import type { FilterPlugin, HostPortKey, NodeInfo, PodInfo } from '../types.js';

export const WILDCARD_IP = '0.0.0.0';
export const REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Keys under which a used port is counted: its exact address and the any-address bucket. */
export function portKeys(p: HostPortKey): [string, string] {
  return [`${p.protocol}/${p.ip}/${p.port}`, `${p.protocol}/*/${p.port}`];
}

export function portConflicts(p: HostPortKey, used: ReadonlyMap<string, number>): boolean {
  if (p.ip === WILDCARD_IP) return (used.get(`${p.protocol}/*/${p.port}`) ?? 0) > 0;
  return (
    (used.get(`${p.protocol}/${p.ip}/${p.port}`) ?? 0) > 0 ||
    (used.get(`${p.protocol}/${WILDCARD_IP}/${p.port}`) ?? 0) > 0
  );
}

export const nodePortsFilter: FilterPlugin = {
  name: 'NodePorts',
  skip: (pod) => pod.hostPorts.length === 0,
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined {
    if (pod.hostPorts.length === 0 || node.usedPorts.size === 0) return undefined;
    for (const p of pod.hostPorts) if (portConflicts(p, node.usedPorts)) return [REASON_PORTS];
    return undefined;
  },
};
