import { describe, expect, it } from 'vitest';
import { orphanUids } from '../../kubelet/housekeeping.js';
import { buildNodeStatus, nodeStatusChanged } from '../../kubelet/node/node-status.js';
import { memAvailableFrom, pressuresFrom } from '../../kubelet/node/pressure.js';
import { firstNonLoopbackIPv4, goArch, osImageFrom, type MachineFacts } from '../../kubelet/node/system-info.js';
import { changedPods, podFingerprints } from '../../kubelet/pleg/relist.js';
import { podNeedsSync } from '../../kubelet/pod-workers.js';
import type { CriContainer, PodSandbox } from '../../kubelet/cri/runtime-service.js';
import { backoffRemainingMs, nextBackoff } from '../../kubelet/pod-sync/crash-backoff.js';
import { pullPolicyOf } from '../../kubelet/pod-sync/image-puller.js';
import { checkHostPath } from '../../kubelet/volumes/host-path-check.js';

const facts: MachineFacts = {
  cpuCores: 2,
  memoryBytes: 4 * 2 ** 30,
  hostname: 'host1',
  info: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', kubeletVersion: 'v1.32.0-skiff', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
};
const NOW = Date.parse('2026-11-24T01:00:00Z');
const calm = { memory: false, disk: false, pid: false };

describe('node status', () => {
  it('has capacity, allocatable, conditions, addresses, the kubelet port and nodeInfo', () => {
    const s = buildNodeStatus({ facts, nodeIP: '10.0.0.5', kubeletPort: 10250, runtimeVersion: 'skiff://0.1.0', pressures: calm, now: NOW });
    expect(s.capacity).toEqual({ cpu: '2', memory: '4194304Ki', pods: '110' });
    expect(s.allocatable).toEqual(s.capacity);
    expect(s.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.5' },
      { type: 'Hostname', address: 'host1' },
    ]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo?.containerRuntimeVersion).toBe('skiff://0.1.0');
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
  });

  it('is NotReady when the runtime is down; transition times move only on change', () => {
    const a = buildNodeStatus({ facts, nodeIP: 'x', kubeletPort: 1, runtimeVersion: 'v', pressures: calm, now: NOW });
    const b = buildNodeStatus({ facts, nodeIP: 'x', kubeletPort: 1, runtimeVersion: 'v', pressures: calm, previous: a.conditions, now: NOW + 10_000 });
    expect(nodeStatusChanged(a, b)).toBe(false); // only heartbeats moved
    const down = buildNodeStatus({ facts, nodeIP: 'x', kubeletPort: 1, runtimeVersion: 'v', runtimeProblem: 'socket gone', pressures: calm, previous: b.conditions, now: NOW + 20_000 });
    const ready = down.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: socket gone' });
    expect(ready.lastTransitionTime).toBe('2026-11-24T01:00:20Z');
    expect(down.conditions!.find((c) => c.type === 'DiskPressure')!.lastTransitionTime).toBe('2026-11-24T01:00:00Z');
    expect(nodeStatusChanged(b, down)).toBe(true);
  });

  it('pressure thresholds', () => {
    expect(pressuresFrom({ memoryAvailableBytes: 50 << 20, diskAvailableRatio: 0.5, pidsInUse: 10, pidMax: 100 })).toEqual({ memory: true, disk: false, pid: false });
    expect(pressuresFrom({ memoryAvailableBytes: 2 ** 30, diskAvailableRatio: 0.05, pidsInUse: 95, pidMax: 100 })).toEqual({ memory: false, disk: true, pid: true });
    expect(memAvailableFrom('MemTotal: 100 kB\nMemAvailable:   2048 kB\n')).toBe(2048 * 1024);
  });

  it('machine facts helpers', () => {
    expect(osImageFrom('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(osImageFrom('')).toBe('Linux');
    expect(goArch('x64')).toBe('amd64');
    expect(
      firstNonLoopbackIPv4({
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
        eth0: [
          { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 0 },
          { address: '192.168.1.9', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
        ],
      }),
    ).toBe('192.168.1.9');
  });
});

describe('PLEG fingerprints', () => {
  const sb = (id: string, uid: string, state: PodSandbox['state']) =>
    ({ id, state, labels: { 'io.kubernetes.pod.uid': uid }, annotations: {}, created_at: 0, metadata: { name: '', uid, namespace: '', attempt: 0 } }) as PodSandbox;
  const ct = (id: string, uid: string, state: CriContainer['state']) => ({ id, state, labels: { 'io.kubernetes.pod.uid': uid } }) as unknown as CriContainer;

  it('reports pods whose sandboxes or containers changed, appeared or vanished', () => {
    const a = podFingerprints([sb('s1', 'p1', 'SANDBOX_READY'), sb('s2', 'p2', 'SANDBOX_READY')], [ct('c1', 'p1', 'CONTAINER_RUNNING'), ct('c2', 'p2', 'CONTAINER_RUNNING')]);
    const b = podFingerprints([sb('s1', 'p1', 'SANDBOX_READY'), sb('s3', 'p3', 'SANDBOX_READY')], [ct('c1', 'p1', 'CONTAINER_EXITED')]);
    expect(changedPods(a, b).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(changedPods(a, a)).toEqual([]);
  });
});

describe('housekeeping', () => {
  it('orphans are UIDs in the runtime or on disk that no pod has', () => {
    expect(orphanUids(['a', 'b'], ['b', 'c'], new Set(['a'])).sort()).toEqual(['b', 'c']);
  });
});

describe('pod worker wake-ups', () => {
  it('a status-only update does not need a sync; spec, deletion and labels do', () => {
    const p = { metadata: { name: 'x', resourceVersion: '1' }, spec: { containers: [] } };
    expect(podNeedsSync(p, { ...p, metadata: { ...p.metadata, resourceVersion: '2' }, status: { phase: 'Running' } })).toBe(false);
    expect(podNeedsSync(p, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-11-24T01:00:00Z' } })).toBe(true);
    expect(podNeedsSync(p, { ...p, spec: { containers: [{ name: 'a' }] } })).toBe(true);
  });
});

describe('back-off arithmetic', () => {
  it('10 s doubling to 5 min, reset after 10 min', () => {
    let e = nextBackoff(undefined, 0);
    const delays = [e.delayMs];
    for (let i = 0; i < 7; i++) {
      e = nextBackoff(e, 1000 * i);
      delays.push(e.delayMs);
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(backoffRemainingMs(e, 10_000, 15_000)).toBe(295_000);
    // ran for more than 10 minutes since the last restart: the back-off starts over
    expect(backoffRemainingMs(e, 6000 + 600_001, 6000 + 600_002)).toBe(0);
    expect(nextBackoff(e, 6000 + 600_001).delayMs).toBe(10_000);
  });
});

describe('image pull policy defaults', () => {
  it('Always for latest or no tag, IfNotPresent otherwise, explicit wins', () => {
    expect(pullPolicyOf({ name: 'a', image: 'busybox' })).toBe('Always');
    expect(pullPolicyOf({ name: 'a', image: 'busybox:latest' })).toBe('Always');
    expect(pullPolicyOf({ name: 'a', image: '127.0.0.1:5000/busybox:1' })).toBe('IfNotPresent');
    expect(pullPolicyOf({ name: 'a', image: '127.0.0.1:5000/busybox' })).toBe('Always');
    expect(pullPolicyOf({ name: 'a', image: 'busybox@sha256:abc' })).toBe('IfNotPresent');
    expect(pullPolicyOf({ name: 'a', image: 'busybox', imagePullPolicy: 'Never' })).toBe('Never');
  });
});

describe('hostPath type checks', () => {
  it.each([
    ['', 'absent', { ok: true }],
    ['Directory', 'directory', { ok: true }],
    ['Directory', 'absent', { ok: false, message: 'hostPath type check failed: /p does not exist' }],
    ['Directory', 'file', { ok: false, message: 'hostPath type check failed: /p is not a directory' }],
    ['DirectoryOrCreate', 'absent', { ok: true, create: 'directory' }],
    ['DirectoryOrCreate', 'file', { ok: false, message: 'hostPath type check failed: /p is not a directory' }],
    ['FileOrCreate', 'absent', { ok: true, create: 'file' }],
    ['File', 'file', { ok: true }],
    ['Socket', 'file', { ok: false, message: 'hostPath type check failed: /p is not a socket file' }],
    ['CharDevice', 'char', { ok: true }],
    ['BlockDevice', 'directory', { ok: false, message: 'hostPath type check failed: /p is not a block device' }],
  ] as const)('%s on %s', (type, kind, want) => {
    expect(checkHostPath({ path: '/p', type }, kind)).toEqual(want);
  });
});
