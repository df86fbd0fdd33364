import { describe, expect, it } from 'vitest';
import { leastAllocatedScore } from '../../scheduler/plugins/least-allocated.js';
import { balancedAllocationScore } from '../../scheduler/plugins/balanced-allocation.js';
import { preferredNodeAffinityScore } from '../../scheduler/plugins/preferred-node-affinity.js';
import { ownerSpreadScore } from '../../scheduler/plugins/owner-spread.js';
import { preferNoScheduleScore } from '../../scheduler/plugins/prefer-no-schedule.js';
import type { NodeInfo, PodInfo, ScorePlugin } from '../../scheduler/types.js';
import { nodeInfo, pod } from './builders.js';

function run(plugin: ScorePlugin, p: PodInfo, nodes: NodeInfo[]): number[] {
  const s = new Float64Array(nodes.length);
  nodes.forEach((n, i) => (s[i] = plugin.score(p, n)));
  plugin.normalize?.(p, s, nodes.length);
  return [...s].map((x) => Math.round(x));
}

const GI = 1024 * 1024 * 1024;
const preferred = (weight: number, key: string, value: string) => ({
  affinity: {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight, preference: { matchExpressions: [{ key, operator: 'In' as const, values: [value] }] } }],
    },
  },
});

interface Case {
  name: string;
  plugin: ScorePlugin;
  pod: PodInfo;
  nodes: NodeInfo[];
  want: number[];
}

const cases: Case[] = [
  {
    name: 'empty node beats a half-used one',
    plugin: leastAllocatedScore,
    pod: pod('p', {}, { cpu: '1', memory: '1Gi' }),
    nodes: [
      nodeInfo('a', { cpu: '4', memory: '4Gi' }),
      nodeInfo('b', { cpu: '4', memory: '4Gi' }, { scoreRequestedCpuMilli: 2000, scoreRequestedMemoryBytes: 2 * GI }),
    ],
    want: [75, 25],
  },
  {
    name: 'best-effort pods count with the non-zero defaults',
    plugin: leastAllocatedScore,
    pod: pod('p'),
    nodes: [nodeInfo('a', { cpu: '1', memory: '1Gi' })],
    want: [Math.round((90 + (1 - 200 / 1024) * 100) / 2)],
  },
  {
    name: 'balanced beats lopsided',
    plugin: balancedAllocationScore,
    pod: pod('p', {}, { cpu: '1', memory: '1Gi' }),
    nodes: [
      nodeInfo('a', { cpu: '4', memory: '4Gi' }),
      nodeInfo('b', { cpu: '4', memory: '4Gi' }, { scoreRequestedCpuMilli: 2000 }),
    ],
    want: [100, 75],
  },
  {
    name: 'preferred affinity scaled to the best node',
    plugin: preferredNodeAffinityScore,
    pod: pod('p', preferred(5, 'zone', 'a')),
    nodes: [nodeInfo('a', { labels: { zone: 'a' } }), nodeInfo('b', { labels: { zone: 'b' } })],
    want: [100, 0],
  },
  {
    name: 'no preference scores nothing',
    plugin: preferredNodeAffinityScore,
    pod: pod('p'),
    nodes: [nodeInfo('a', { labels: { zone: 'a' } })],
    want: [0],
  },
  {
    name: 'spread prefers the node with fewer pods of the owner',
    plugin: ownerSpreadScore,
    pod: pod('p', {}, undefined, 'rs-1'),
    nodes: [
      nodeInfo('a', {}, { ownerCounts: new Map([['rs-1', 2]]) }),
      nodeInfo('b', {}, { ownerCounts: new Map([['rs-1', 1]]) }),
      nodeInfo('c', {}, { ownerCounts: new Map([['rs-2', 5]]) }),
    ],
    want: [0, 50, 100],
  },
  {
    name: 'pods without an owner are not spread',
    plugin: ownerSpreadScore,
    pod: pod('p'),
    nodes: [nodeInfo('a', {}, { ownerCounts: new Map([['rs-1', 2]]) }), nodeInfo('b')],
    want: [100, 100],
  },
  {
    name: 'untolerated PreferNoSchedule taint lowers the score',
    plugin: preferNoScheduleScore,
    pod: pod('p'),
    nodes: [nodeInfo('a', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), nodeInfo('b')],
    want: [0, 100],
  },
];

describe('score plugins', () => {
  it.each(cases)('$plugin.name: $name', (c) => {
    expect(run(c.plugin, c.pod, c.nodes)).toEqual(c.want);
  });
});
