import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { CrashBackoff } from '../../kubelet/pod-sync/crash-backoff.js';
import { PodSyncer } from '../../kubelet/pod-sync/pod-syncer.js';
import { CriProber } from '../../kubelet/probes/prober.js';
import type { Mounter } from '../../kubelet/volumes/mounter.js';
import { VolumeManager } from '../../kubelet/volumes/volume-manager.js';
import { FakeCri } from '../fixtures/fake-cri.js';

const noMounts: Mounter = {
  mountTmpfs: async () => {
    throw new Error('no tmpfs in unit tests');
  },
  unmount: async () => undefined,
  mountsUnder: async () => [],
};

let root: string;
let clock: number;
let cri: FakeCri;
let events: string[];
let syncer: PodSyncer;
let livenessFailed: Set<string>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'skiff-kubelet-syncer-'));
  clock = 1_700_000_000_000;
  cri = new FakeCri();
  cri.now = () => clock;
  cri.presentImages.add('busybox:1');
  events = [];
  livenessFailed = new Set();
  syncer = new PodSyncer({
    cri,
    prober: new CriProber(cri),
    volumes: new VolumeManager(root, noMounts),
    backoff: new CrashBackoff(),
    probes: { livenessFailed, startupFailed: new Set(), ready: () => undefined, started: () => undefined },
    events: { emit: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    node: { nodeName: 'n1', hostIP: '192.168.1.10', nodeHostname: 'n1', rootDir: root, cpuMillis: 2000, memoryBytes: 4 * 2 ** 30 },
    log: pino({ level: 'silent' }),
    now: () => clock,
  });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox:1', imagePullPolicy: 'IfNotPresent' }], ...spec },
  };
}

describe('PodSyncer with a fake CRI', () => {
  it('creates the sandbox and containers with the labels, log path and attempt, then is idempotent', async () => {
    const r = await syncer.syncPod(pod());
    expect(r.status.phase).toBe('Running');
    expect(r.status.podIP).toMatch(/^10\.0\.0\./);
    const [c] = cri.containersOf('web', 'app');
    expect(c.config.labels).toMatchObject({ 'io.kubernetes.pod.uid': 'uid-1', 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.namespace': 'default' });
    expect(c.config.annotations['io.kubernetes.container.restartCount']).toBe('0');
    expect(c.config.log_path).toBe('app/0.log');
    expect(existsSync(join(root, 'logs/pods/default_web_uid-1/app'))).toBe(true);
    const calls = cri.calls.length;
    await syncer.syncPod(pod());
    expect(cri.calls.length).toBe(calls); // adopted, nothing redone
  });

  it('restarts a crashing container with a growing back-off and shows CrashLoopBackOff', async () => {
    await syncer.syncPod(pod());
    const crash = () => cri.exit(cri.containersOf('web', 'app')[0].container.id, 1);
    crash();
    clock += 1000;
    let r = await syncer.syncPod(pod());
    expect(cri.containersOf('web', 'app')[0].container.metadata.attempt).toBe(1); // first restart at once
    crash();
    clock += 1000;
    r = await syncer.syncPod(pod());
    expect(r.status.containerStatuses![0].state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(r.status.containerStatuses![0].lastState?.terminated?.exitCode).toBe(1);
    expect(r.requeueAfterMs).toBe(9_000); // 10 s from the exit, 1 s already passed
    clock += 10_000;
    r = await syncer.syncPod(pod());
    expect(cri.containersOf('web', 'app')[0].container.metadata.attempt).toBe(2);
    crash();
    clock += 1000;
    r = await syncer.syncPod(pod());
    expect(r.requeueAfterMs).toBe(19_000); // doubled
    expect(r.status.containerStatuses![0].restartCount).toBe(2);
    expect(events.some((e) => e.startsWith('Warning BackOff'))).toBe(true);
  });

  it('a missing image: ErrImagePull, then ImagePullBackOff, with a Warning event; other containers still run', async () => {
    cri.unpullable.add('nope:1');
    const p = pod({ containers: [{ name: 'bad', image: 'nope:1' }, { name: 'good', image: 'busybox:1', imagePullPolicy: 'IfNotPresent' }] });
    let r = await syncer.syncPod(p);
    expect(r.status.containerStatuses![0].state?.waiting?.reason).toBe('ErrImagePull');
    expect(r.status.containerStatuses![0].state?.waiting?.message).toContain('manifest unknown');
    expect(r.status.containerStatuses![1].state?.running).toBeDefined();
    expect(events.some((e) => e.startsWith('Warning Failed Failed to pull image "nope:1"'))).toBe(true);
    clock += 1000;
    r = await syncer.syncPod(p);
    expect(r.status.containerStatuses![0].state?.waiting?.reason).toBe('ImagePullBackOff');
  });

  it('an unknown hostPath and an unknown volume: CreateContainerConfigError naming them', async () => {
    const p = pod({
      volumes: [{ name: 'h', hostPath: { path: join(root, 'does-not-exist'), type: 'Directory' } }],
      containers: [
        { name: 'app', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', volumeMounts: [{ name: 'h', mountPath: '/h' }] },
        { name: 'other', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', volumeMounts: [{ name: 'missing', mountPath: '/m' }] },
      ],
    });
    const r = await syncer.syncPod(p);
    const [a, b] = r.status.containerStatuses!;
    expect(a.state?.waiting?.reason).toBe('CreateContainerConfigError');
    expect(a.state?.waiting?.message).toContain('does-not-exist does not exist');
    expect(b.state?.waiting?.message).toContain('volume "missing" not found');
  });

  it('emptyDir and DirectoryOrCreate hostPath are mounted into the containers naming them', async () => {
    const hp = join(root, 'made-by-kubelet');
    const p = pod({
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'host', hostPath: { path: hp, type: 'DirectoryOrCreate' } },
      ],
      containers: [{ name: 'app', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'host', mountPath: '/host', readOnly: true }] }],
    });
    await syncer.syncPod(p);
    const [c] = cri.containersOf('web', 'app');
    expect(c.config.mounts).toEqual([
      { container_path: '/scratch', host_path: join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
      { container_path: '/host', host_path: hp, readonly: true, propagation: 'PROPAGATION_PRIVATE' },
    ]);
    expect(existsSync(hp)).toBe(true);
  });

  it('liveness failure kills the container; the next sync restarts it', async () => {
    await syncer.syncPod(pod());
    livenessFailed.add(cri.containersOf('web', 'app')[0].container.id);
    await syncer.syncPod(pod());
    expect(cri.containersOf('web', 'app')[0].container.state).toBe('CONTAINER_EXITED');
    livenessFailed.clear();
    await syncer.syncPod(pod());
    expect(cri.containersOf('web', 'app')[0].container.state).toBe('CONTAINER_RUNNING');
    expect(cri.containersOf('web', 'app')[0].container.metadata.attempt).toBe(1);
  });

  it('terminatePod stops with the grace period, removes everything and the pod dir', async () => {
    const p = pod({ terminationGracePeriodSeconds: 7, volumes: [{ name: 's', emptyDir: {} }] });
    await syncer.syncPod(p);
    await syncer.terminatePod(p);
    expect(cri.calls).toContain('stopContainer app 7');
    expect(cri.sandboxes.size).toBe(0);
    expect(cri.containers.size).toBe(0);
    expect(existsSync(join(root, 'pods/uid-1'))).toBe(false);
  });

  it('cleanupOrphan removes a pod the API no longer knows', async () => {
    await syncer.syncPod(pod());
    await syncer.cleanupOrphan('uid-1');
    expect(cri.sandboxes.size).toBe(0);
  });

  it('runs the preStop hook before stopping, inside the grace period', async () => {
    const p = pod({ terminationGracePeriodSeconds: 10, containers: [{ name: 'app', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'drain'] } } } }] });
    await syncer.syncPod(p);
    await syncer.terminatePod(p);
    const i = cri.calls.indexOf('execSync app sh -c drain');
    expect(i).toBeGreaterThan(-1);
    expect(cri.calls.indexOf('stopContainer app 10')).toBeGreaterThan(i);
  });

  it('a failing postStart hook kills the container and shows PostStartHookError', async () => {
    cri.execResults.set('false', 1);
    const p = pod({ containers: [{ name: 'app', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', lifecycle: { postStart: { exec: { command: ['false'] } } } }] });
    const r = await syncer.syncPod(p);
    expect(r.status.containerStatuses![0].state?.waiting?.reason).toBe('PostStartHookError');
    expect(cri.containersOf('web', 'app')[0].container.state).toBe('CONTAINER_EXITED');
    expect(events.some((e) => e.startsWith('Warning FailedPostStartHook'))).toBe(true);
  });
});
