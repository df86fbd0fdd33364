import { describe, expect, it } from 'vitest';
import { nodeReadyFilter } from '../../scheduler/plugins/node-ready.js';
import { taintTolerationFilter } from '../../scheduler/plugins/taint-toleration.js';
import { nodeAffinityFilter } from '../../scheduler/plugins/node-affinity.js';
import { nodeResourcesFitFilter } from '../../scheduler/plugins/node-resources-fit.js';
import { nodePortsFilter, portKeys } from '../../scheduler/plugins/node-ports.js';
import type { FilterPlugin, NodeInfo, PodInfo } from '../../scheduler/types.js';
import { nodeInfo, pod } from './builders.js';

interface Case {
  name: string;
  plugin: FilterPlugin;
  pod: PodInfo;
  node: NodeInfo;
  want: string[] | undefined;
}

const AFF = "node(s) didn't match Pod's node affinity/selector";
const req = (key: string, operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt', values?: string[]) => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator, values }] }] } } },
});

function usedPorts(...ports: { ip: string; protocol: string; port: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of ports) for (const k of portKeys(p)) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
const hostPortPod = (port: number, hostIP?: string, protocol: 'TCP' | 'UDP' = 'TCP') =>
  pod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: port, hostIP, protocol }] }] });

const cases: Case[] = [
  { name: 'ready node fits', plugin: nodeReadyFilter, pod: pod('p'), node: nodeInfo('n'), want: undefined },
  { name: 'not ready node', plugin: nodeReadyFilter, pod: pod('p'), node: nodeInfo('n', { ready: false }), want: ['node(s) were not ready'] },
  {
    name: 'not ready node tolerated',
    plugin: nodeReadyFilter,
    pod: pod('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }),
    node: nodeInfo('n', { ready: false }),
    want: undefined,
  },
  { name: 'cordoned node', plugin: nodeReadyFilter, pod: pod('p'), node: nodeInfo('n', { unschedulable: true }), want: ['node(s) were unschedulable'] },
  {
    name: 'NoSchedule taint untolerated',
    plugin: taintTolerationFilter,
    pod: pod('p'),
    node: nodeInfo('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: ['node(s) had untolerated taint {dedicated: gpu}'],
  },
  {
    name: 'NoExecute taint untolerated',
    plugin: taintTolerationFilter,
    pod: pod('p'),
    node: nodeInfo('n', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }),
    want: ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
  },
  {
    name: 'PreferNoSchedule does not filter',
    plugin: taintTolerationFilter,
    pod: pod('p'),
    node: nodeInfo('n', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }),
    want: undefined,
  },
  {
    name: 'Equal toleration matches key and value',
    plugin: taintTolerationFilter,
    pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }),
    node: nodeInfo('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: undefined,
  },
  {
    name: 'Equal toleration with another value',
    plugin: taintTolerationFilter,
    pod: pod('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] }),
    node: nodeInfo('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: ['node(s) had untolerated taint {dedicated: gpu}'],
  },
  {
    name: 'toleration for another effect',
    plugin: taintTolerationFilter,
    pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] }),
    node: nodeInfo('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: ['node(s) had untolerated taint {dedicated: gpu}'],
  },
  {
    name: 'empty-key Exists tolerates everything',
    plugin: taintTolerationFilter,
    pod: pod('p', { tolerations: [{ operator: 'Exists' }] }),
    node: nodeInfo('n', { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoExecute' }] }),
    want: undefined,
  },
  { name: 'nodeSelector matches', plugin: nodeAffinityFilter, pod: pod('p', { nodeSelector: { disk: 'ssd' } }), node: nodeInfo('n', { labels: { disk: 'ssd' } }), want: undefined },
  { name: 'nodeSelector mismatch', plugin: nodeAffinityFilter, pod: pod('p', { nodeSelector: { disk: 'ssd' } }), node: nodeInfo('n', { labels: { disk: 'hdd' } }), want: [AFF] },
  { name: 'nodeSelector label missing', plugin: nodeAffinityFilter, pod: pod('p', { nodeSelector: { disk: 'ssd' } }), node: nodeInfo('n'), want: [AFF] },
  { name: 'In matches', plugin: nodeAffinityFilter, pod: pod('p', req('zone', 'In', ['a', 'b'])), node: nodeInfo('n', { labels: { zone: 'b' } }), want: undefined },
  { name: 'In misses', plugin: nodeAffinityFilter, pod: pod('p', req('zone', 'In', ['a'])), node: nodeInfo('n', { labels: { zone: 'b' } }), want: [AFF] },
  { name: 'NotIn with label absent', plugin: nodeAffinityFilter, pod: pod('p', req('zone', 'NotIn', ['a'])), node: nodeInfo('n'), want: undefined },
  { name: 'NotIn excludes', plugin: nodeAffinityFilter, pod: pod('p', req('zone', 'NotIn', ['a'])), node: nodeInfo('n', { labels: { zone: 'a' } }), want: [AFF] },
  { name: 'Exists', plugin: nodeAffinityFilter, pod: pod('p', req('gpu', 'Exists')), node: nodeInfo('n', { labels: { gpu: '' } }), want: undefined },
  { name: 'Exists misses', plugin: nodeAffinityFilter, pod: pod('p', req('gpu', 'Exists')), node: nodeInfo('n'), want: [AFF] },
  { name: 'DoesNotExist', plugin: nodeAffinityFilter, pod: pod('p', req('gpu', 'DoesNotExist')), node: nodeInfo('n'), want: undefined },
  { name: 'DoesNotExist misses', plugin: nodeAffinityFilter, pod: pod('p', req('gpu', 'DoesNotExist')), node: nodeInfo('n', { labels: { gpu: '1' } }), want: [AFF] },
  { name: 'Gt', plugin: nodeAffinityFilter, pod: pod('p', req('cores', 'Gt', ['4'])), node: nodeInfo('n', { labels: { cores: '8' } }), want: undefined },
  { name: 'Gt equal fails', plugin: nodeAffinityFilter, pod: pod('p', req('cores', 'Gt', ['8'])), node: nodeInfo('n', { labels: { cores: '8' } }), want: [AFF] },
  { name: 'Lt', plugin: nodeAffinityFilter, pod: pod('p', req('cores', 'Lt', ['8'])), node: nodeInfo('n', { labels: { cores: '4' } }), want: undefined },
  { name: 'Lt on a non-number', plugin: nodeAffinityFilter, pod: pod('p', req('cores', 'Lt', ['8'])), node: nodeInfo('n', { labels: { cores: 'many' } }), want: [AFF] },
  {
    name: 'terms are ORed',
    plugin: nodeAffinityFilter,
    pod: pod('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] },
            ],
          },
        },
      },
    }),
    node: nodeInfo('n', { labels: { zone: 'b' } }),
    want: undefined,
  },
  {
    name: 'an empty term matches nothing',
    plugin: nodeAffinityFilter,
    pod: pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }),
    node: nodeInfo('n'),
    want: [AFF],
  },
  { name: 'fits resources', plugin: nodeResourcesFitFilter, pod: pod('p', {}, { cpu: '1', memory: '1Gi' }), node: nodeInfo('n', { cpu: '2', memory: '2Gi' }), want: undefined },
  {
    name: 'insufficient cpu counting placed pods',
    plugin: nodeResourcesFitFilter,
    pod: pod('p', {}, { cpu: '1' }),
    node: nodeInfo('n', { cpu: '2' }, { requestedCpuMilli: 1500 }),
    want: ['Insufficient cpu'],
  },
  {
    name: 'insufficient cpu and memory',
    plugin: nodeResourcesFitFilter,
    pod: pod('p', {}, { cpu: '3', memory: '3Gi' }),
    node: nodeInfo('n', { cpu: '2', memory: '2Gi' }),
    want: ['Insufficient cpu', 'Insufficient memory'],
  },
  { name: 'exactly full fits', plugin: nodeResourcesFitFilter, pod: pod('p', {}, { cpu: '500m' }), node: nodeInfo('n', { cpu: '1' }, { requestedCpuMilli: 500 }), want: undefined },
  { name: 'too many pods', plugin: nodeResourcesFitFilter, pod: pod('p'), node: nodeInfo('n', { pods: '2' }, { podCount: 2 }), want: ['Too many pods'] },
  { name: 'best-effort pod on a full node', plugin: nodeResourcesFitFilter, pod: pod('p'), node: nodeInfo('n', { cpu: '1' }, { requestedCpuMilli: 1000 }), want: undefined },
  { name: 'free port', plugin: nodePortsFilter, pod: hostPortPod(8080), node: nodeInfo('n', {}, { usedPorts: usedPorts({ ip: '0.0.0.0', protocol: 'TCP', port: 9090 }) }), want: undefined },
  {
    name: 'same port wildcard',
    plugin: nodePortsFilter,
    pod: hostPortPod(8080),
    node: nodeInfo('n', {}, { usedPorts: usedPorts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }) }),
    want: ["node(s) didn't have free ports for the requested pod ports"],
  },
  {
    name: 'wildcard pod vs specific used ip',
    plugin: nodePortsFilter,
    pod: hostPortPod(8080),
    node: nodeInfo('n', {}, { usedPorts: usedPorts({ ip: '10.0.0.1', protocol: 'TCP', port: 8080 }) }),
    want: ["node(s) didn't have free ports for the requested pod ports"],
  },
  {
    name: 'different specific ips do not conflict',
    plugin: nodePortsFilter,
    pod: hostPortPod(8080, '10.0.0.2'),
    node: nodeInfo('n', {}, { usedPorts: usedPorts({ ip: '10.0.0.1', protocol: 'TCP', port: 8080 }) }),
    want: undefined,
  },
  {
    name: 'different protocol does not conflict',
    plugin: nodePortsFilter,
    pod: hostPortPod(8080, undefined, 'UDP'),
    node: nodeInfo('n', {}, { usedPorts: usedPorts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }) }),
    want: undefined,
  },
];

describe('filter plugins', () => {
  it.each(cases)('$plugin.name: $name', (c) => {
    expect(c.plugin.filter(c.pod, c.node)).toEqual(c.want);
  });
});
