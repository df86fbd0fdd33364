import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pod, Probe } from '../../api/types/core.js';
import type { RuntimePod } from '../../kubelet/pod-sync/runtime-pod.js';
import { ProbeManager } from '../../kubelet/probes/probe-manager.js';
import type { ProbeOutcome, Prober, ProbeTarget } from '../../kubelet/probes/prober.js';

class ScriptedProber implements Prober {
  results = new Map<string, ProbeOutcome['result']>();
  calls: string[] = [];
  async run(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
    const kind = probe.exec?.command?.[0] ?? 'x';
    this.calls.push(`${target.containerId}/${kind}`);
    const result = this.results.get(kind) ?? 'success';
    return { result, message: result === 'failure' ? `${kind} said no` : '' };
  }
}

const T0 = 1_700_000_000_000;
let prober: ScriptedProber;
let changes: string[];
let pm: ProbeManager;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  prober = new ScriptedProber();
  changes = [];
  pm = new ProbeManager({ prober, log: pino({ level: 'silent' }), onChange: (uid, kind, name) => changes.push(`${uid}/${name}/${kind}`) });
});

afterEach(() => {
  pm.stop();
  vi.useRealTimers();
});

const probe = (cmd: string, extra: Partial<Probe> = {}): Probe => ({ exec: { command: [cmd] }, periodSeconds: 1, ...extra });

function pod(probes: { liveness?: Probe; readiness?: Probe; startup?: Probe }): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'c', image: 'x', livenessProbe: probes.liveness, readinessProbe: probes.readiness, startupProbe: probes.startup }] },
  };
}

const runtime: RuntimePod = {
  uid: 'u1',
  sandboxes: [{ id: 's', attempt: 0, state: 'SANDBOX_READY', createdAt: T0, ip: '10.0.0.2' }],
  containers: [
    { id: 'c1', sandboxId: 's', name: 'c', attempt: 0, isInit: false, state: 'CONTAINER_RUNNING', createdAt: T0, startedAt: T0, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'x', imageRef: '', hash: '' },
  ],
};

describe('ProbeManager', () => {
  it('readiness: unknown without a probe, not ready until the first success, flips both ways', async () => {
    pm.sync(pod({}), runtime);
    expect(pm.ready('c1')).toBeUndefined();
    pm.sync(pod({ readiness: probe('ready', { failureThreshold: 1 }) }), runtime);
    expect(pm.ready('c1')).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(pm.ready('c1')).toBe(true);
    expect(changes).toEqual(['u1/c/readiness']);
    prober.results.set('ready', 'failure');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pm.ready('c1')).toBe(false);
  });

  it('liveness: fails after failureThreshold, after initialDelaySeconds', async () => {
    prober.results.set('live', 'failure');
    pm.sync(pod({ liveness: probe('live', { initialDelaySeconds: 5, failureThreshold: 2 }) }), runtime);
    await vi.advanceTimersByTimeAsync(4900);
    expect(prober.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(pm.livenessFailed.has('c1')).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(pm.livenessFailed.has('c1')).toBe(true);
    expect(changes).toEqual(['u1/c/liveness']);
  });

  it('startup gates liveness and readiness until it passes, and fails for good at its threshold', async () => {
    prober.results.set('start', 'failure');
    pm.sync(pod({ startup: probe('start', { failureThreshold: 3 }), liveness: probe('live') }), runtime);
    await vi.advanceTimersByTimeAsync(1500);
    expect(prober.calls.filter((c) => c.endsWith('/live'))).toEqual([]);
    expect(pm.started('c1')).toBe(false);
    prober.results.set('start', 'success');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pm.started('c1')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(prober.calls.some((c) => c.endsWith('/live'))).toBe(true);
  });

  it('a startup probe that never passes marks the container failed', async () => {
    prober.results.set('start', 'failure');
    pm.sync(pod({ startup: probe('start', { failureThreshold: 2 }) }), runtime);
    await vi.advanceTimersByTimeAsync(1100);
    expect(pm.startupFailed.has('c1')).toBe(true);
  });

  it('stops the workers of containers that are gone', async () => {
    pm.sync(pod({ readiness: probe('ready') }), runtime);
    pm.sync(pod({ readiness: probe('ready') }), { ...runtime, containers: [] });
    expect(pm.ready('c1')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3000);
    expect(prober.calls).toEqual([]);
  });
});
