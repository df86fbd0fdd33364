import { describe, expect, it } from 'vitest';
import { isPodReady, podDisplay, podQosClass, podRequests, podStatusReason } from '../../api/pod-helpers.js';
import type { Container, ContainerStatus, Pod } from '../../api/types/core.js';

function pod(containers: Partial<Container>[], init: Partial<Container>[] = []): Pod {
  const named = (cs: Partial<Container>[], p: string) => cs.map((c, i) => ({ name: `${p}${i}`, image: 'x', ...c }));
  return { metadata: { name: 'p' }, spec: { containers: named(containers, 'c'), initContainers: named(init, 'i') } };
}

function cs(state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state, ...extra };
}

describe('pod helpers', () => {
  it.each<[string, Pod, string]>([
    ['no resources', pod([{}]), 'BestEffort'],
    ['limits equal requests', pod([{ resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } } }]), 'Guaranteed'],
    ['limits only', pod([{ resources: { limits: { cpu: '1', memory: '1Gi' } } }]), 'Guaranteed'],
    ['requests below limits', pod([{ resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }]), 'Burstable'],
    ['cpu only', pod([{ resources: { requests: { cpu: '100m' } } }]), 'Burstable'],
    ['one guaranteed one not', pod([{ resources: { limits: { cpu: '1', memory: '1Gi' } } }, {}]), 'Burstable'],
    ['zero requests', pod([{ resources: { requests: { cpu: '0' } } }]), 'BestEffort'],
  ])('QoS: %s', (_n, p, want) => {
    expect(podQosClass(p)).toBe(want);
  });

  it('requests: max of init containers vs sum of app containers', () => {
    const p = pod(
      [{ resources: { requests: { cpu: '100m', memory: '64Mi' } } }, { resources: { requests: { cpu: '200m' }, limits: { memory: '128Mi' } } }],
      [{ resources: { requests: { cpu: '500m', memory: '10Mi' } } }],
    );
    expect(podRequests(p)).toEqual({ cpuMillis: 500, memoryBytes: 192 * 1024 * 1024 });
  });

  it('readiness', () => {
    const p = pod([{}]);
    expect(isPodReady(p)).toBe(false);
    p.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect(isPodReady(p)).toBe(true);
  });

  it.each<[string, Partial<Pod['status']>, string, Partial<Pod['metadata']>?, number?]>([
    ['pending, nothing reported', { phase: 'Pending' }, 'Pending'],
    ['creating', { phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] }, 'ContainerCreating'],
    ['running', { phase: 'Running', containerStatuses: [cs({ running: {} }, { ready: true })] }, 'Running'],
    ['crash loop', { phase: 'Running', containerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 3 })] }, 'CrashLoopBackOff'],
    ['completed', { phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }, 'Completed'],
    ['oom', { phase: 'Running', containerStatuses: [cs({ terminated: { exitCode: 137, reason: 'OOMKilled' } })] }, 'OOMKilled'],
    ['exit code without reason', { phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 2 } })] }, 'ExitCode:2'],
    ['signal', { phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 137, signal: 9 } })] }, 'Signal:9'],
    ['image pull', { phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ErrImagePull' } })] }, 'ErrImagePull'],
    ['init waiting', { phase: 'Pending', initContainerStatuses: [cs({ running: {} })] }, 'Init:0/1', undefined, 1],
    ['init crash', { phase: 'Pending', initContainerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } })] }, 'Init:CrashLoopBackOff', undefined, 1],
    ['init failed', { phase: 'Failed', initContainerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }, 'Init:Error', undefined, 1],
    ['terminating', { phase: 'Running', containerStatuses: [cs({ running: {} }, { ready: true })] }, 'Terminating', { deletionTimestamp: '2026-01-01T00:00:00Z' }],
    ['reason wins', { phase: 'Failed', reason: 'Evicted' }, 'Evicted'],
  ])('STATUS: %s', (_n, status, want, meta, inits) => {
    const p = pod([{}], inits ? [{}] : []);
    p.status = status as Pod['status'];
    if (meta) p.metadata = { ...p.metadata, ...meta };
    expect(podStatusReason(p)).toBe(want);
  });

  it('READY and RESTARTS columns', () => {
    const p = pod([{}, {}]);
    p.status = {
      phase: 'Running',
      containerStatuses: [
        cs({ running: {} }, { ready: true, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:00:05Z' } } }),
        cs({ running: {} }, { name: 'c1', ready: false, restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:00:09Z' } } }),
      ],
    };
    expect(podDisplay(p)).toEqual({ ready: '1/2', status: 'Running', restarts: 3, lastRestartTime: '2026-01-01T00:00:09Z' });
  });
});
