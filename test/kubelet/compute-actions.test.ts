import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { computePodActions, podCompleted, shouldRestart } from '../../kubelet/pod-sync/compute-actions.js';
import { CrashBackoff, containerBackoffKey } from '../../kubelet/pod-sync/crash-backoff.js';
import { containerHash } from '../../kubelet/pod-sync/container-hash.js';
import type { ObservedContainer, ObservedSandbox, RuntimePod } from '../../kubelet/pod-sync/runtime-pod.js';

const NOW = 1_700_000_000_000;
const noProbes = { livenessFailed: new Set<string>(), startupFailed: new Set<string>() };

function pod(over: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }, { name: 'side', image: 'busybox' }], ...over },
  };
}

function sb(over: Partial<ObservedSandbox> = {}): ObservedSandbox {
  return { id: 'sb1', attempt: 0, state: 'SANDBOX_READY', createdAt: NOW - 60_000, ip: '10.0.0.2', ...over };
}

function ct(name: string, over: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    id: `${name}-${over.attempt ?? 0}`,
    sandboxId: 'sb1',
    name,
    attempt: 0,
    isInit: false,
    state: 'CONTAINER_RUNNING',
    createdAt: NOW - 50_000,
    startedAt: NOW - 50_000,
    finishedAt: 0,
    exitCode: 0,
    reason: '',
    message: '',
    image: 'busybox',
    imageRef: 'sha256:x',
    hash: '',
    ...over,
  };
}

function rt(sandboxes: ObservedSandbox[], containers: ObservedContainer[]): RuntimePod {
  return { uid: 'u1', sandboxes, containers };
}

const exited = (name: string, code: number, over: Partial<ObservedContainer> = {}) =>
  ct(name, { state: 'CONTAINER_EXITED', exitCode: code, finishedAt: NOW - 1000, ...over });

describe('shouldRestart', () => {
  it.each([
    ['Always', 0, false, true],
    ['Always', 1, false, true],
    ['OnFailure', 0, false, false],
    ['OnFailure', 2, false, true],
    ['Never', 1, false, false],
    ['Always', 0, true, false],
    ['Always', 1, true, true],
    ['Never', 1, true, false],
  ] as const)('%s exit %i init=%s → %s', (policy, code, init, want) => {
    expect(shouldRestart(policy, code, init)).toBe(want);
  });
});

describe('computePodActions', () => {
  const cases: {
    name: string;
    pod: Pod;
    runtime: RuntimePod;
    backoff?: [string, number, number][];
    probes?: typeof noProbes;
    want: (a: ReturnType<typeof computePodActions>) => void;
  }[] = [
    {
      name: 'new pod: create the sandbox and start every app container',
      pod: pod(),
      runtime: rt([], []),
      want: (a) => {
        expect(a.createSandbox).toBe(true);
        expect(a.sandboxAttempt).toBe(0);
        expect(a.startContainers.map((s) => [s.name, s.attempt, s.isInit])).toEqual([
          ['app', 0, false],
          ['side', 0, false],
        ]);
      },
    },
    {
      name: 'new pod with init containers: only the first init container starts',
      pod: pod({ initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] }),
      runtime: rt([], []),
      want: (a) => expect(a.startContainers.map((s) => [s.name, s.isInit])).toEqual([['i1', true]]),
    },
    {
      name: 'init containers run in order: i1 done → start i2',
      pod: pod({ initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] }),
      runtime: rt([sb()], [exited('i1', 0, { isInit: true })]),
      want: (a) => expect(a.startContainers.map((s) => s.name)).toEqual(['i2']),
    },
    {
      name: 'init container still running: wait',
      pod: pod({ initContainers: [{ name: 'i1', image: 'busybox' }] }),
      runtime: rt([sb()], [ct('i1', { isInit: true })]),
      want: (a) => expect(a.startContainers).toEqual([]),
    },
    {
      name: 'all init done: start app containers',
      pod: pod({ initContainers: [{ name: 'i1', image: 'busybox' }] }),
      runtime: rt([sb()], [exited('i1', 0, { isInit: true })]),
      want: (a) => expect(a.startContainers.map((s) => s.name)).toEqual(['app', 'side']),
    },
    {
      name: 'failed init container under Always restarts (first time at once)',
      pod: pod({ initContainers: [{ name: 'i1', image: 'busybox' }] }),
      runtime: rt([sb()], [exited('i1', 1, { isInit: true })]),
      want: (a) => expect(a.startContainers.map((s) => [s.name, s.attempt, s.isRestart])).toEqual([['i1', 1, true]]),
    },
    {
      name: 'failed init container under Never: stop the sandbox, start nothing',
      pod: pod({ restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'busybox' }] }),
      runtime: rt([sb()], [exited('i1', 1, { isInit: true })]),
      want: (a) => {
        expect(a.startContainers).toEqual([]);
        expect(a.stopSandboxes).toEqual(['sb1']);
      },
    },
    {
      name: 'everything running: nothing to do (adoption after a kubelet restart)',
      pod: pod(),
      runtime: rt([sb()], [ct('app'), ct('side')]),
      want: (a) => {
        expect(a.createSandbox).toBe(false);
        expect(a.startContainers).toEqual([]);
        expect(a.killContainers).toEqual([]);
        expect(a.sandboxId).toBe('sb1');
      },
    },
    {
      name: 'crashed container under Always, no back-off yet: restart with attempt+1',
      pod: pod(),
      runtime: rt([sb()], [exited('app', 1), ct('side')]),
      want: (a) => expect(a.startContainers.map((s) => [s.name, s.attempt, s.isRestart])).toEqual([['app', 1, true]]),
    },
    {
      name: 'crashed container inside its back-off window: CrashLoopBackOff and a requeue',
      pod: pod(),
      runtime: rt([sb()], [exited('app', 1, { attempt: 2, finishedAt: NOW - 3000 }), ct('side')]),
      backoff: [[containerBackoffKey('u1', 'app'), 20_000, NOW - 5000]],
      want: (a) => {
        expect(a.startContainers).toEqual([]);
        expect(a.waiting.app.reason).toBe('CrashLoopBackOff');
        expect(a.waiting.app.message).toContain('back-off 20s');
        expect(a.requeueAfterMs).toBe(17_000);
      },
    },
    {
      name: 'back-off window passed: restart',
      pod: pod(),
      runtime: rt([sb()], [exited('app', 1, { attempt: 2, finishedAt: NOW - 21_000 }), ct('side')]),
      backoff: [[containerBackoffKey('u1', 'app'), 20_000, NOW - 25_000]],
      want: (a) => expect(a.startContainers.map((s) => [s.name, s.attempt])).toEqual([['app', 3]]),
    },
    {
      name: 'completed container under OnFailure stays down',
      pod: pod({ restartPolicy: 'OnFailure' }),
      runtime: rt([sb()], [exited('app', 0), ct('side')]),
      want: (a) => expect(a.startContainers).toEqual([]),
    },
    {
      name: 'failed container under OnFailure restarts',
      pod: pod({ restartPolicy: 'OnFailure' }),
      runtime: rt([sb()], [exited('app', 3), ct('side')]),
      want: (a) => expect(a.startContainers.map((s) => s.name)).toEqual(['app']),
    },
    {
      name: 'Never: every container exited → pod completed, stop the sandbox',
      pod: pod({ restartPolicy: 'Never' }),
      runtime: rt([sb()], [exited('app', 0), exited('side', 1)]),
      want: (a) => {
        expect(a.startContainers).toEqual([]);
        expect(a.createSandbox).toBe(false);
        expect(a.stopSandboxes).toEqual(['sb1']);
      },
    },
    {
      name: 'completed pod whose sandbox is gone: no new sandbox',
      pod: pod({ restartPolicy: 'Never' }),
      runtime: rt([sb({ state: 'SANDBOX_NOTREADY' })], [exited('app', 0), exited('side', 0)]),
      want: (a) => {
        expect(a.createSandbox).toBe(false);
        expect(a.stopSandboxes).toEqual([]);
      },
    },
    {
      name: 'liveness failure kills the running container',
      pod: pod(),
      runtime: rt([sb()], [ct('app'), ct('side')]),
      probes: { livenessFailed: new Set(['app-0']), startupFailed: new Set() },
      want: (a) => {
        expect(a.killContainers.map((k) => k.id)).toEqual(['app-0']);
        expect(a.killContainers[0].reason).toContain('liveness');
        expect(a.startContainers).toEqual([]);
      },
    },
    {
      name: 'startup probe failure kills too',
      pod: pod(),
      runtime: rt([sb()], [ct('app'), ct('side')]),
      probes: { livenessFailed: new Set(), startupFailed: new Set(['side-0']) },
      want: (a) => expect(a.killContainers.map((k) => k.id)).toEqual(['side-0']),
    },
    {
      name: 'sandbox died: kill the containers, new sandbox with the next attempt, containers continue their attempts',
      pod: pod(),
      runtime: rt([sb({ state: 'SANDBOX_NOTREADY' })], [ct('app', { attempt: 3 }), exited('side', 0)]),
      want: (a) => {
        expect(a.createSandbox).toBe(true);
        expect(a.sandboxAttempt).toBe(1);
        expect(a.killContainers.map((k) => k.id)).toEqual(['app-3']);
        expect(a.startContainers.map((s) => [s.name, s.attempt])).toEqual([
          ['app', 4],
          ['side', 1],
        ]);
      },
    },
    {
      name: 'two ready sandboxes: the older one is stopped',
      pod: pod(),
      runtime: rt([sb(), sb({ id: 'sb2', attempt: 1 })], [ct('app', { sandboxId: 'sb2' }), ct('side', { sandboxId: 'sb2' })]),
      want: (a) => {
        expect(a.sandboxId).toBe('sb2');
        expect(a.stopSandboxes).toEqual(['sb1']);
        expect(a.startContainers).toEqual([]);
      },
    },
    {
      name: 'old exited attempts are garbage-collected, the newest two kept',
      pod: pod(),
      runtime: rt([sb()], [exited('app', 1, { attempt: 0 }), exited('app', 1, { attempt: 1 }), exited('app', 1, { attempt: 2 }), ct('app', { attempt: 3 }), ct('side')]),
      want: (a) => expect(a.removeContainers.sort()).toEqual(['app-0', 'app-1']),
    },
    {
      name: 'dead sandboxes beyond the newest dead one are removed once a newer sandbox is ready',
      pod: pod(),
      runtime: rt(
        [sb({ id: 'old0', attempt: 0, state: 'SANDBOX_NOTREADY' }), sb({ id: 'old1', attempt: 1, state: 'SANDBOX_NOTREADY' }), sb({ id: 'sb1', attempt: 2 })],
        [ct('app'), ct('side')],
      ),
      want: (a) => expect(a.removeSandboxes).toEqual(['old0']),
    },
    {
      name: 'created but never started (kubelet died in between): killed',
      pod: pod(),
      runtime: rt([sb()], [ct('app', { state: 'CONTAINER_CREATED', startedAt: 0 }), ct('side')]),
      want: (a) => expect(a.killContainers.map((k) => k.id)).toEqual(['app-0']),
    },
    {
      name: 'spec changed (hash differs): running container restarted',
      pod: pod(),
      runtime: rt([sb()], [ct('app', { hash: 'deadbeef' }), ct('side', { hash: containerHash({ name: 'side', image: 'busybox' }) })]),
      want: (a) => expect(a.killContainers.map((k) => k.id)).toEqual(['app-0']),
    },
  ];

  it.each(cases)('$name', (c) => {
    const backoff = new CrashBackoff();
    for (const [key, delay, lastUpdate] of c.backoff ?? []) {
      // build the entry through the public API: restart at lastUpdate until the delay matches
      let e = backoff.next(key, lastUpdate);
      while (e.delayMs < delay) e = backoff.next(key, lastUpdate);
    }
    const a = computePodActions({ pod: c.pod, runtime: c.runtime, backoff, probes: c.probes ?? noProbes, now: NOW });
    c.want(a);
  });
});

describe('activeDeadlineSeconds', () => {
  const started = (deadline: number, startedAgoMs: number): Pod => ({
    ...pod({ activeDeadlineSeconds: deadline }),
    status: { startTime: new Date(NOW - startedAgoMs).toISOString() },
  });

  it('before the deadline: runs as usual and asks to be woken at the deadline', () => {
    const a = computePodActions({ pod: started(60, 10_000), runtime: rt([sb()], [ct('app'), ct('side')]), backoff: new CrashBackoff(), probes: noProbes, now: NOW });
    expect(a.killContainers).toEqual([]);
    expect(a.requeueAfterMs).toBe(50_000);
  });

  it('past the deadline: every container is killed, the sandbox stopped, nothing restarts', () => {
    const a = computePodActions({ pod: started(60, 61_000), runtime: rt([sb()], [ct('app'), exited('side', 1)]), backoff: new CrashBackoff(), probes: noProbes, now: NOW });
    expect(a.killContainers.map((k) => [k.id, k.reason])).toEqual([['app-0', 'pod was active longer than its activeDeadlineSeconds']]);
    expect(a.stopSandboxes).toEqual(['sb1']);
    expect(a.startContainers).toEqual([]);
  });
});

describe('podCompleted', () => {
  it('is false under Always whatever the containers did', () => {
    expect(podCompleted(pod(), rt([sb()], [exited('app', 0), exited('side', 0)]))).toBe(false);
  });
  it('is true under OnFailure once every container exited 0', () => {
    expect(podCompleted(pod({ restartPolicy: 'OnFailure' }), rt([sb()], [exited('app', 0), exited('side', 0)]))).toBe(true);
  });
  it('is false under OnFailure while one failed (it restarts)', () => {
    expect(podCompleted(pod({ restartPolicy: 'OnFailure' }), rt([sb()], [exited('app', 0), exited('side', 1)]))).toBe(false);
  });
});
