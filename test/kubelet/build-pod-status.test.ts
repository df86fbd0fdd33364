import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { buildPodStatus, isoTime, type StatusInput } from '../../kubelet/status/build-pod-status.js';
import type { ObservedContainer, RuntimePod } from '../../kubelet/pod-sync/runtime-pod.js';

const NOW = Date.parse('2026-11-24T01:00:00Z');

function pod(over: Partial<NonNullable<Pod['spec']>> = {}, status?: Pod['status']): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'busybox:1' }], ...over },
    ...(status ? { status } : {}),
  };
}

function ct(name: string, over: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    id: `${name}-${over.attempt ?? 0}`,
    sandboxId: 'sb1',
    name,
    attempt: 0,
    isInit: false,
    state: 'CONTAINER_RUNNING',
    createdAt: NOW - 10_000,
    startedAt: NOW - 10_000,
    finishedAt: 0,
    exitCode: 0,
    reason: '',
    message: '',
    image: 'busybox:1',
    imageRef: 'sha256:abc',
    hash: '',
    ...over,
  };
}

const ready: RuntimePod['sandboxes'] = [{ id: 'sb1', attempt: 0, state: 'SANDBOX_READY', createdAt: NOW - 20_000, ip: '10.88.0.5' }];

function input(p: Pod, containers: ObservedContainer[], over: Partial<StatusInput> = {}): StatusInput {
  return {
    pod: p,
    runtime: { uid: 'u1', sandboxes: ready, containers },
    waiting: {},
    probes: { ready: () => undefined, started: () => undefined },
    hostIP: '192.168.1.10',
    qosClass: 'BestEffort',
    now: NOW,
    ...over,
  };
}

const cond = (s: ReturnType<typeof buildPodStatus>, type: string) => s.conditions?.find((c) => c.type === type)?.status;

describe('buildPodStatus', () => {
  it('running pod: phase, IPs, conditions, container status with the skiff:// ID', () => {
    const s = buildPodStatus(input(pod(), [ct('app')]));
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.88.0.5');
    expect(s.podIPs).toEqual([{ ip: '10.88.0.5' }]);
    expect(s.hostIP).toBe('192.168.1.10');
    expect(s.hostIPs).toEqual([{ ip: '192.168.1.10' }]);
    expect(s.qosClass).toBe('BestEffort');
    expect(s.startTime).toBe(isoTime(NOW));
    expect(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((t) => cond(s, t))).toEqual(['True', 'True', 'True', 'True']);
    const cs = s.containerStatuses![0];
    expect(cs).toMatchObject({
      name: 'app',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'busybox:1',
      imageID: 'sha256:abc',
      containerID: 'skiff://app-0',
      state: { running: { startedAt: isoTime(NOW - 10_000) } },
    });
  });

  it('no container yet: Pending, waiting ContainerCreating, not ready', () => {
    const s = buildPodStatus(input(pod(), []));
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses![0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(cond(s, 'Ready')).toBe('False');
    expect(s.conditions!.find((c) => c.type === 'Ready')!.message).toBe('containers with unready status: [app]');
  });

  it('crash loop: waiting CrashLoopBackOff with the last exit as lastState, restartCount from the attempt', () => {
    const c = ct('app', { attempt: 3, state: 'CONTAINER_EXITED', exitCode: 2, finishedAt: NOW - 1000, reason: 'Error' });
    const s = buildPodStatus(input(pod(), [c], { waiting: { app: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } } }));
    const cs = s.containerStatuses![0];
    expect(cs.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } });
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', containerID: 'skiff://app-3' });
    expect(cs.restartCount).toBe(3);
    expect(s.phase).toBe('Running'); // stopped + Always counts as Running
  });

  it('running after restarts: lastState is the previous exit', () => {
    const s = buildPodStatus(input(pod(), [ct('app', { attempt: 1 }), ct('app', { attempt: 0, state: 'CONTAINER_EXITED', exitCode: 137, finishedAt: NOW - 5000 })]));
    const cs = s.containerStatuses![0];
    expect(cs.state?.running).toBeDefined();
    expect(cs.lastState?.terminated?.exitCode).toBe(137);
    expect(cs.restartCount).toBe(1);
  });

  it('readiness probe failing: container not ready, pod not Ready, phase Running', () => {
    const s = buildPodStatus(input(pod(), [ct('app')], { probes: { ready: () => false, started: () => undefined } }));
    expect(s.containerStatuses![0].ready).toBe(false);
    expect(cond(s, 'Ready')).toBe('False');
    expect(cond(s, 'ContainersReady')).toBe('False');
    expect(s.phase).toBe('Running');
  });

  it('startup probe not yet passed: started false and not ready', () => {
    const s = buildPodStatus(input(pod(), [ct('app')], { probes: { ready: () => true, started: () => false } }));
    expect(s.containerStatuses![0]).toMatchObject({ started: false, ready: false });
  });

  it('Never policy: all exited 0 → Succeeded; one failure → Failed; terminal phases stick', () => {
    const p = pod({ restartPolicy: 'Never', containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] });
    const ok = buildPodStatus(input(p, [ct('a', { state: 'CONTAINER_EXITED', finishedAt: NOW }), ct('b', { state: 'CONTAINER_EXITED', finishedAt: NOW })]));
    expect(ok.phase).toBe('Succeeded');
    expect(ok.containerStatuses![0].state?.terminated?.reason).toBe('Completed');
    expect(cond(ok, 'Ready')).toBe('False');
    const bad = buildPodStatus(input(p, [ct('a', { state: 'CONTAINER_EXITED', finishedAt: NOW }), ct('b', { state: 'CONTAINER_EXITED', exitCode: 1, finishedAt: NOW })]));
    expect(bad.phase).toBe('Failed');
    expect(bad.containerStatuses![1].state?.terminated?.reason).toBe('Error');
    const sticky = buildPodStatus(input(pod({}, undefined), [ct('app')], { pod: { ...p, status: { phase: 'Failed' } } }));
    expect(sticky.phase).toBe('Failed');
  });

  it('init containers: PodInitializing until done, then Initialized', () => {
    const p = pod({ initContainers: [{ name: 'init', image: 'x' }] });
    const during = buildPodStatus(input(p, [ct('init', { isInit: true })]));
    expect(during.phase).toBe('Pending');
    expect(cond(during, 'Initialized')).toBe('False');
    expect(during.containerStatuses![0].state?.waiting?.reason).toBe('PodInitializing');
    expect(during.initContainerStatuses![0].state?.running).toBeDefined();
    expect(during.initContainerStatuses![0].ready).toBe(false);
    const after = buildPodStatus(input(p, [ct('init', { isInit: true, state: 'CONTAINER_EXITED', finishedAt: NOW }), ct('app')]));
    expect(cond(after, 'Initialized')).toBe('True');
    expect(after.phase).toBe('Running');
  });

  it('image pull failure shows as the waiting reason', () => {
    const s = buildPodStatus(input(pod(), [], { waiting: { app: { reason: 'ErrImagePull', message: 'manifest unknown' } } }));
    expect(s.containerStatuses![0].state).toEqual({ waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } });
  });

  it('keeps startTime and lastTransitionTime while nothing changes', () => {
    const first = buildPodStatus(input(pod(), [ct('app')]));
    const again = buildPodStatus(input(pod({}, first), [ct('app')], { now: NOW + 60_000 }));
    expect(again).toEqual(first);
  });

  it('hostNetwork pods report the node IP as their IP', () => {
    const s = buildPodStatus(input(pod({ hostNetwork: true }), [ct('app')]));
    expect(s.podIP).toBe('192.168.1.10');
  });

  it('past activeDeadlineSeconds: Failed with DeadlineExceeded', () => {
    const p = pod({ activeDeadlineSeconds: 30 }, { startTime: isoTime(NOW - 31_000) });
    const s = buildPodStatus(input(p, [ct('app', { state: 'CONTAINER_EXITED', exitCode: 137, finishedAt: NOW })]));
    expect(s.phase).toBe('Failed');
    expect(s.reason).toBe('DeadlineExceeded');
    expect(s.message).toContain('longer than the specified deadline (30s)');
  });

  it('a probed container without a verdict yet is neither started nor ready', () => {
    const p = pod({ containers: [{ name: 'app', image: 'busybox:1', startupProbe: { exec: { command: ['true'] } }, readinessProbe: { tcpSocket: { port: 80 } } }] });
    expect(buildPodStatus(input(p, [ct('app')])).containerStatuses![0]).toMatchObject({ started: false, ready: false });
    const r = pod({ containers: [{ name: 'app', image: 'busybox:1', readinessProbe: { tcpSocket: { port: 80 } } }] });
    expect(buildPodStatus(input(r, [ct('app')])).containerStatuses![0]).toMatchObject({ started: true, ready: false });
  });
});
