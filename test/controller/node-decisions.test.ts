import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint, Toleration } from '../../api/types/index.js';
import { decideNodeHealth } from '../../controller/node/node-health.js';
import { evictionTime } from '../../controller/node/taint-eviction.js';
import { CidrAllocator, parseCidr } from '../../controller/node/cidr-allocator.js';
import { decidePodGc } from '../../controller/podgc/pod-gc-decision.js';

const NOW = Date.UTC(2026, 0, 1, 1, 0, 0);
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: new Date(NOW - 10_000).toISOString() };

function node(ready: 'True' | 'Unknown', taints: Taint[] = []): Node {
  return { metadata: { name: 'n' }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready }, { type: 'MemoryPressure', status: 'False' }] } };
}

describe('decideNodeHealth', () => {
  it.each([
    { name: 'fresh lease: nothing', node: node('True'), seen: NOW - 1000, want: { conditions: false, taints: undefined } },
    { name: 'silent past grace: Unknown and tainted', node: node('True'), seen: NOW - 60_000, want: { conditions: true, taints: ['node.kubernetes.io/unreachable:NoExecute'] } },
    { name: 'already Unknown and tainted: nothing new', node: node('Unknown', [unreachable]), seen: NOW - 60_000, want: { conditions: false, taints: undefined } },
    { name: 'lease renewed again: taint removed', node: node('Unknown', [unreachable, { key: 'x', effect: 'NoSchedule' }]), seen: NOW - 1000, want: { conditions: false, taints: ['x:NoSchedule'] } },
  ])('$name', (c) => {
    const d = decideNodeHealth({ node: c.node, lastRenewalObservedAt: c.seen, now: NOW, gracePeriodMs: 50_000 });
    expect(d.conditions !== undefined).toBe(c.want.conditions);
    expect(d.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(c.want.taints);
    if (d.conditions) {
      expect(d.conditions.every((x) => x.status === 'Unknown' && x.reason === 'NodeStatusUnknown')).toBe(true);
      expect(d.becameUnknown).toBe(true);
    }
  });
});

function pod(tolerations?: Toleration[]): Pod {
  return { metadata: { name: 'p' }, spec: { containers: [], tolerations } };
}

describe('evictionTime', () => {
  const added = NOW - 10_000;
  it.each([
    { name: 'no toleration: at once', pod: pod(), max: undefined, want: added },
    { name: 'toleration for 300 s', pod: pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), max: undefined, want: added + 300_000 },
    { name: 'forever', pod: pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]), max: undefined, want: undefined },
    { name: 'capped by the eviction timeout', pod: pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), max: 5000, want: added + 5000 },
    { name: 'the shortest matching toleration wins', pod: pod([{ operator: 'Exists', tolerationSeconds: 60 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 30 }]), max: undefined, want: added + 30_000 },
  ])('$name', (c) => {
    expect(evictionTime(c.pod, [unreachable], c.max)).toBe(c.want);
  });
});

describe('CidrAllocator', () => {
  it('hands out /24s from 10.244.0.0/16, skipping used ones', () => {
    const a = new CidrAllocator(parseCidr('10.244.0.0/16'), 24);
    expect(a.capacity()).toBe(256);
    expect(a.next(new Set())).toBe('10.244.0.0/24');
    expect(a.next(new Set(['10.244.0.0/24', '10.244.1.0/24']))).toBe('10.244.2.0/24');
  });
  it('says when the range is full', () => {
    const a = new CidrAllocator(parseCidr('10.0.0.0/30'), 31);
    expect(a.next(new Set(['10.0.0.0/31', '10.0.0.2/31']))).toBeUndefined();
  });
  it('rejects bad input naming it', () => {
    expect(() => parseCidr('10.244.0.0/40', 'cluster-cidr')).toThrow(/cluster-cidr: invalid CIDR "10.244.0.0\/40"/);
    expect(() => parseCidr('10.300.0.0/16')).toThrow(/"10.300.0.0"/);
    expect(() => new CidrAllocator(parseCidr('10.244.0.0/16'), 8)).toThrow(/node-cidr-mask-size/);
  });
});

describe('decidePodGc', () => {
  const p = (name: string, o: { node?: string; phase?: 'Succeeded' | 'Failed' | 'Running'; deleting?: boolean; created?: number } = {}): Pod => ({
    metadata: { name, creationTimestamp: new Date(NOW - (o.created ?? 0) * 1000).toISOString(), deletionTimestamp: o.deleting ? 'x' : undefined },
    spec: { containers: [], nodeName: o.node },
    status: { phase: o.phase ?? 'Running' },
  });
  it('collects orphans, unscheduled terminating pods and the oldest finished pods over the threshold', () => {
    const pods = [
      p('on-gone-node', { node: 'gone' }),
      p('fine', { node: 'n1' }),
      p('unscheduled-terminating', { deleting: true }),
      p('done-old', { node: 'n1', phase: 'Succeeded', created: 300 }),
      p('done-mid', { node: 'n1', phase: 'Failed', created: 200 }),
      p('done-new', { node: 'n1', phase: 'Succeeded', created: 100 }),
    ];
    const v = decidePodGc(pods, (n) => n === 'n1', 1);
    expect(v.map((x) => `${x.pod.metadata.name}:${x.reason}`)).toEqual([
      'on-gone-node:orphaned',
      'unscheduled-terminating:unscheduledTerminating',
      'done-old:terminated',
      'done-mid:terminated',
    ]);
  });
});
