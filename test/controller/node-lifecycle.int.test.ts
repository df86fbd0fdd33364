// A node that stops renewing its Lease becomes Ready=Unknown with the unreachable NoExecute taint,
// its pods are evicted and replaced on other nodes; the taint goes when the lease is renewed.
// Every node gets its own /24 pod CIDR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Node, Pod } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { waitRolledOut, webDeployment } from '../e2e/rollout-helpers.js';

type NodeObj = Node & KubeObject;
type PodObj = Pod & KubeObject;
let cp: ControlPlane;
const names = [1, 2, 3].map((i) => `skiff-nlc-node-${i}`);

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: names.map((name) => ({ name })),
    controllerManager: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 300, podEvictionTimeoutMs: 1000 },
    kubelet: { leaseRenewMs: 500 },
  });
});

afterAll(async () => {
  await cp?.stop();
});

describe('node lifecycle', () => {
  it('allocates a distinct /24 pod CIDR to every node', async () => {
    const nodes = cp.api.resource<NodeObj>('nodes');
    const cidrs = await eventually(async () => {
      const l = await nodes.list();
      const c = l.items.map((n) => n.spec?.podCIDR);
      return c.every(Boolean) ? c : undefined;
    }, 15_000, 'pod CIDRs');
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^10\.244\.\d+\.0\/24$/);
    const n = await nodes.get(undefined, names[0]);
    expect(n.spec?.podCIDRs).toEqual([n.spec?.podCIDR]);
  });

  it('taints a silent node, moves its pods, and untaints it when it comes back', async () => {
    await cp.api.resource('deployments').create('default', webDeployment('nlc', 6, 'busybox:v1', { type: 'RollingUpdate' }));
    await waitRolledOut(cp.api, 'nlc');
    const pods = cp.api.resource<PodObj>('pods');
    const before = await pods.list('default', { labelSelector: 'app=nlc' });
    const victims = before.items.filter((p) => p.spec?.nodeName === names[0]).map((p) => p.metadata.name);
    expect(victims.length).toBeGreaterThan(0);

    cp.kubelet.kill(names[0]);
    const nodes = cp.api.resource<NodeObj>('nodes');
    const tainted = await eventually(async () => {
      const n = await nodes.get(undefined, names[0]);
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    }, 20_000, 'unreachable taint');
    expect(tainted.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });

    // the pods on the dead node are evicted and replaced elsewhere
    await eventually(async () => {
      const l = await pods.list('default', { labelSelector: 'app=nlc' });
      const live = l.items.filter((p) => !p.metadata.deletionTimestamp);
      const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return live.length === 6 && ready.length === 6 && live.every((p) => p.spec?.nodeName && p.spec.nodeName !== names[0]);
    }, 30_000, 'pods moved to other nodes');
    const after = await pods.list('default', { labelSelector: 'app=nlc' });
    for (const name of victims) {
      const p = after.items.find((x) => x.metadata.name === name);
      expect(p === undefined || p.metadata.deletionTimestamp !== undefined).toBe(true);
    }

    await cp.kubelet.revive(names[0]);
    await eventually(async () => {
      const n = await nodes.get(undefined, names[0]);
      return !(n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable');
    }, 20_000, 'taint removed');
  });
});
