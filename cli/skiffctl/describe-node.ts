// kubectl describe node: identity, taints, conditions, addresses, capacity, system info, the
// non-terminated pods with their requests and limits, allocated totals, events.
import { cpuMillis, isValidQuantity, memoryBytes } from '../../api/quantity.js';
import type { LeaseSpec } from '../../api/types/apps.js';
import type { Container, Node, Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { annotationLines, labelLines, multiLine, writeEvents, type DescribeEvent } from './describe-common.js';
import { rfc1123z } from './describe-time.js';
import { DescribeWriter } from './describe-writer.js';
import { age } from '../../api/human-duration.js';

interface Amounts {
  cpuReq: number;
  cpuLim: number;
  memReq: number;
  memLim: number;
}

function amount(list: Record<string, string> | undefined, key: 'cpu' | 'memory'): number {
  const v = list?.[key];
  if (v === undefined || !isValidQuantity(v)) return 0;
  return key === 'cpu' ? cpuMillis(v) : memoryBytes(v);
}

function podAmounts(p: Pod): Amounts {
  const sum: Amounts = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  const add = (c: Container): void => {
    sum.cpuReq += amount(c.resources?.requests, 'cpu');
    sum.cpuLim += amount(c.resources?.limits, 'cpu');
    sum.memReq += amount(c.resources?.requests, 'memory');
    sum.memLim += amount(c.resources?.limits, 'memory');
  };
  for (const c of p.spec?.containers ?? []) add(c);
  return sum;
}

function cpuText(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function memText(b: number): string {
  const units: [string, number][] = [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ];
  for (const [u, n] of units) if (b >= n && b % n === 0) return `${b / n}${u}`;
  return String(b);
}

function pct(v: number, total: number): string {
  return `${total > 0 ? Math.floor((v * 100) / total) : 0}%`;
}

function roles(labels: Record<string, string> | undefined): string {
  const r = Object.keys(labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean)
    .sort();
  return r.length ? r.join(',') : '<none>';
}

/** The node's lease in kube-node-lease, or why it could not be read. */
export type NodeLeaseInfo = { lease: LeaseSpec | undefined } | { error: string };

export function describeNode(
  node: Node & KubeObject,
  lease: NodeLeaseInfo,
  pods: Pod[],
  events: DescribeEvent[] | undefined,
  now: number = Date.now(),
): string {
  const w = new DescribeWriter();
  const st = node.status ?? {};
  w.line(0, 'Name:', node.metadata.name ?? '');
  w.line(0, 'Roles:', roles(node.metadata.labels));
  multiLine(w, 0, 'Labels', labelLines(node.metadata.labels));
  multiLine(w, 0, 'Annotations', annotationLines(node.metadata.annotations));
  w.line(0, 'CreationTimestamp:', rfc1123z(node.metadata.creationTimestamp));
  multiLine(w, 0, 'Taints', (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
  w.line(0, 'Unschedulable:', node.spec?.unschedulable ? 'true' : 'false');
  if ('error' in lease) w.line(0, 'Lease:', `Failed to get lease: ${lease.error}`);
  else {
    w.line(0, 'Lease:');
    w.line(1, 'HolderIdentity:', lease.lease?.holderIdentity ?? '<unset>');
    w.line(1, 'AcquireTime:', lease.lease?.acquireTime ? rfc1123z(lease.lease.acquireTime) : '<unset>');
    w.line(1, 'RenewTime:', lease.lease?.renewTime ? rfc1123z(lease.lease.renewTime) : '<unset>');
  }
  if (st.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    for (const c of st.conditions) {
      w.line(1, c.type, c.status, ` ${rfc1123z(c.lastHeartbeatTime)} `, ` ${rfc1123z(c.lastTransitionTime)} `, c.reason ?? '', c.message ?? '');
    }
  }
  w.line(0, 'Addresses:');
  for (const a of st.addresses ?? []) w.line(1, `${a.type}:`, a.address);
  for (const [title, list] of [
    ['Capacity', st.capacity],
    ['Allocatable', st.allocatable],
  ] as const) {
    if (!list) continue;
    w.line(0, `${title}:`);
    for (const k of Object.keys(list).sort()) w.line(1, `${k}:`, list[k]);
  }
  const info = st.nodeInfo ?? { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', operatingSystem: '', architecture: '', containerRuntimeVersion: '', kubeletVersion: '', kubeProxyVersion: '' };
  {
    w.line(0, 'System Info:');
    w.line(1, 'Machine ID:', info.machineID);
    w.line(1, 'System UUID:', info.systemUUID);
    w.line(1, 'Boot ID:', info.bootID);
    w.line(1, 'Kernel Version:', info.kernelVersion);
    w.line(1, 'OS Image:', info.osImage);
    w.line(1, 'Operating System:', info.operatingSystem);
    w.line(1, 'Architecture:', info.architecture);
    w.line(1, 'Container Runtime Version:', info.containerRuntimeVersion);
    w.line(1, 'Kubelet Version:', info.kubeletVersion);
    w.line(1, 'Kube-Proxy Version:', info.kubeProxyVersion);
  }
  if (node.spec?.podCIDR) w.line(0, 'PodCIDR:', node.spec.podCIDR);
  if (node.spec?.podCIDRs?.length) w.line(0, 'PodCIDRs:', node.spec.podCIDRs.join(','));
  const running = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const allocCpu = amount(st.allocatable, 'cpu');
  const allocMem = amount(st.allocatable, 'memory');
  w.line(0, 'Non-terminated Pods:', `(${running.length} in total)`);
  // kubectl leaves an empty column after Name
  w.line(1, 'Namespace', 'Name', '', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
  w.line(1, '---------', '----', '', '------------', '----------', '---------------', '-------------', '---');
  const total: Amounts = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const p of running) {
    const a = podAmounts(p);
    total.cpuReq += a.cpuReq;
    total.cpuLim += a.cpuLim;
    total.memReq += a.memReq;
    total.memLim += a.memLim;
    w.line(
      1,
      p.metadata.namespace ?? '',
      p.metadata.name ?? '',
      '',
      `${cpuText(a.cpuReq)} (${pct(a.cpuReq, allocCpu)})`,
      `${cpuText(a.cpuLim)} (${pct(a.cpuLim, allocCpu)})`,
      `${memText(a.memReq)} (${pct(a.memReq, allocMem)})`,
      `${memText(a.memLim)} (${pct(a.memLim, allocMem)})`,
      age(p.metadata.creationTimestamp, now),
    );
  }
  w.line(0, 'Allocated resources:');
  w.line(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  w.line(1, 'Resource', 'Requests', 'Limits');
  w.line(1, '--------', '--------', '------');
  w.line(1, 'cpu', `${cpuText(total.cpuReq)} (${pct(total.cpuReq, allocCpu)})`, `${cpuText(total.cpuLim)} (${pct(total.cpuLim, allocCpu)})`);
  w.line(1, 'memory', `${memText(total.memReq)} (${pct(total.memReq, allocMem)})`, `${memText(total.memLim)} (${pct(total.memLim, allocMem)})`);
  w.line(1, 'ephemeral-storage', '0 (0%)', '0 (0%)');
  if (events) writeEvents(w, events, now);
  return w.render();
}
