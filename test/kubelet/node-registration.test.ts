import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../api/types/meta.js';
import { ApiError } from '../../client/api-error.js';
import type { ResourceClient } from '../../client/types.js';
import { LeaseRenewer } from '../../kubelet/node/lease-renewer.js';
import { NodeStatusUpdater, type NodeObject } from '../../kubelet/node/node-status-updater.js';
import type { MachineFacts } from '../../kubelet/node/system-info.js';
import { StatusManager, type PodObject } from '../../kubelet/status/status-manager.js';
import { FakeResourceClient } from '../client/fake-resource-client.js';
import { FakeCri } from '../fixtures/fake-cri.js';

const log = pino({ level: 'silent' });
const facts: MachineFacts = {
  cpuCores: 2,
  memoryBytes: 2 ** 30,
  hostname: 'host1',
  info: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', kubeletVersion: 'v1.32.0-skiff', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
};

function updater(nodes: FakeResourceClient, cri: FakeCri): NodeStatusUpdater {
  return new NodeStatusUpdater({
    nodes: nodes as unknown as ResourceClient<NodeObject>,
    runtime: cri,
    nodeName: 'n1',
    nodeIP: '10.0.0.5',
    kubeletPort: 10250,
    rootDir: '/',
    facts,
    labels: { zone: 'a' },
    log,
  });
}

describe('node registration', () => {
  it('creates the Node with labels and a Ready status, then hands a podCIDR to the runtime once', async () => {
    const nodes = new FakeResourceClient();
    const cri = new FakeCri();
    const u = updater(nodes, cri);
    await u.register();
    const node = (await nodes.get(undefined, 'n1')) as NodeObject;
    expect(node.metadata.labels).toEqual({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe('fake://0.0.1');
    expect(cri.calls.filter((c) => c.startsWith('updateRuntimeConfig'))).toEqual([]);

    nodes.put({ ...node, spec: { podCIDR: '10.244.3.0/24' } } as KubeObject);
    await u.tick();
    await u.tick();
    expect(cri.calls.filter((c) => c.startsWith('updateRuntimeConfig'))).toEqual(['updateRuntimeConfig 10.244.3.0/24']);
  });

  it('checks every second until the Node is Ready (its pod CIDR handed over), then every 10 s', async () => {
    vi.useFakeTimers();
    try {
      const nodes = new FakeResourceClient();
      const cri = new FakeCri();
      cri.awaitPodCidr = true;
      const u = updater(nodes, cri);
      await u.register();
      const ready = async () => ((await nodes.get(undefined, 'n1')) as NodeObject).status?.conditions?.find((c) => c.type === 'Ready');
      expect((await ready())?.status).toBe('False');
      expect((await ready())?.message).toContain('waiting for the pod CIDR');
      const gets = vi.spyOn(nodes, 'get');
      u.start();
      await vi.advanceTimersByTimeAsync(3_000);
      expect(gets).toHaveBeenCalledTimes(3);

      const node = (await nodes.get(undefined, 'n1')) as NodeObject;
      nodes.put({ ...node, spec: { podCIDR: '10.244.5.0/24' } } as KubeObject);
      gets.mockClear();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(cri.podCidr).toBe('10.244.5.0/24');
      expect((await ready())?.status).toBe('True');
      gets.mockClear();
      await vi.advanceTimersByTimeAsync(9_000);
      expect(gets).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(gets).toHaveBeenCalledTimes(1);
      u.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('registers again when the Node was deleted', async () => {
    const nodes = new FakeResourceClient();
    const u = updater(nodes, new FakeCri());
    await u.register();
    nodes.remove(undefined, 'n1');
    await u.tick();
    expect((await nodes.get(undefined, 'n1')).metadata.name).toBe('n1');
  });
});

describe('node lease', () => {
  it('creates the Lease in kube-node-lease and renews it', async () => {
    const leases = new FakeResourceClient();
    const r = new LeaseRenewer({
      leases: leases as unknown as ConstructorParameters<typeof LeaseRenewer>[0]['leases'],
      namespaces: new FakeResourceClient(),
      nodeName: 'n1',
      nodeUid: () => 'node-uid',
      log,
    });
    await r.renew();
    const first = (await leases.get('kube-node-lease', 'n1')) as KubeObject & { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
    expect(first.spec.holderIdentity).toBe('n1');
    expect(first.spec.leaseDurationSeconds).toBe(40);
    expect(first.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }]);
    await new Promise((res) => setTimeout(res, 5));
    await r.renew();
    const second = (await leases.get('kube-node-lease', 'n1')) as typeof first;
    expect(Date.parse(second.spec.renewTime)).toBeGreaterThan(Date.parse(first.spec.renewTime));
  });
});

describe('pod status manager', () => {
  const pod = (): PodObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [] } });

  it('writes a changed status once, skips an unchanged one, and retries a conflict on a fresh copy', async () => {
    const pods = new FakeResourceClient();
    pods.put(pod());
    let conflicts = 1;
    const writes: string[] = [];
    const client = Object.assign(Object.create(pods) as FakeResourceClient, {
      updateStatus: async (ns: string | undefined, obj: KubeObject) => {
        if (conflicts-- > 0) {
          throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict', message: 'the object has been modified' });
        }
        writes.push(String((obj.status as { phase?: string }).phase));
        return pods.updateStatus(ns, obj);
      },
    });
    const sm = new StatusManager({ pods: client as unknown as ResourceClient<PodObject>, cached: () => undefined, log });
    const done = new Promise<void>((res) => sm.onWritten(() => res()));
    sm.set(pod(), { phase: 'Running' });
    await done;
    expect(writes).toEqual(['Running']);
    sm.set(pod(), { phase: 'Running' });
    await new Promise((res) => setTimeout(res, 20));
    expect(writes).toEqual(['Running']);
    expect(((await pods.get('default', 'p')) as PodObject).status?.phase).toBe('Running');
  });
});
