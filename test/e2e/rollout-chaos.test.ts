// Killing the controller-manager or the scheduler at random points during rollouts (10 times)
// still converges to exactly the wanted pods; two copies of each with leader election act as one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, ReplicaSet } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import type { ControllerManagerHandle } from '../../controller/controller-manager.js';
import type { SchedulerHandle } from '../../scheduler/start-scheduler.js';
import { imagesOf, waitRolledOut, webDeployment, type DeployObj, type PodObj } from './rollout-helpers.js';

type RsObj = ReplicaSet & KubeObject;
let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: [1, 2, 3].map((i) => ({ name: `skiff-chaos-node-${i}`, pods: '80' })),
    controllerManager: false,
    scheduler: false,
    kubelet: { readyDelayMs: 30 },
  });
});

afterAll(async () => {
  await cp?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function allPods(app: string): Promise<PodObj[]> {
  return (await cp.api.resource<PodObj>('pods').list('default', { labelSelector: `app=${app}` })).items;
}

describe('restarts and leader election', () => {
  it('converges after the controller-manager or scheduler is killed at random points, 10 times', async () => {
    let cm: ControllerManagerHandle = cp.startControllerManager();
    let sched: SchedulerHandle = cp.startScheduler();
    try {
    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('chaos', 10, 'busybox:v0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }));
    await waitRolledOut(cp.api, 'chaos');
    // a deterministic "random" sequence so a failure can be replayed
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 1; i <= 10; i++) {
      await deployments.patch('default', 'chaos', { spec: { template: { spec: { containers: [{ name: 'web', image: `busybox:v${i}` }] } } } }, 'strategic');
      await sleep(rand(300));
      if (rand(2) === 0) {
        await cm.stop();
        await sleep(rand(200));
        cm = cp.startControllerManager();
      } else {
        await sleep(rand(100));
        await sched.stop();
        await sleep(rand(200));
        sched = cp.startScheduler();
      }
    }
    await waitRolledOut(cp.api, 'chaos', 120_000);
    await eventually(async () => {
      const pods = await allPods('chaos');
      return pods.length === 10 && imagesOf(pods).every((i) => i === 'busybox:v10') && pods.every((p) => p.spec?.nodeName);
    }, 60_000, '10 pods of v10 and nothing else').catch(async (e: unknown) => {
      const pods = (await allPods('chaos')).map((p) => `${p.metadata.name} ${p.spec?.containers[0].image} node=${p.spec?.nodeName ?? '-'} deleting=${!!p.metadata.deletionTimestamp} ${p.status?.phase}`);
      const rs = (await cp.api.resource<RsObj>('replicasets').list('default', { labelSelector: 'app=chaos' })).items.map((r) => `${r.metadata.name} ${r.spec?.replicas}/${r.status?.replicas}`);
      throw new Error(`${(e as Error).message}\npods:\n${pods.join('\n')}\nreplicasets:\n${rs.join('\n')}`);
    });
    const rs = (await cp.api.resource<RsObj>('replicasets').list('default', { labelSelector: 'app=chaos' })).items;
    const live = rs.filter((r) => (r.spec?.replicas ?? 0) > 0);
    expect(live.length).toBe(1);
    expect(live[0].spec?.template?.spec.containers[0].image).toBe('busybox:v10');
    // stays converged: no stray creations after a while
    await sleep(1000);
    expect((await allPods('chaos')).length).toBe(10);
    } finally {
      await cm.stop();
      await sched.stop();
    }
  });

  it('two copies of each with leader election act as one, and the standby takes over', async () => {
    const le = { leaderElect: true, leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };
    const cms = [cp.startControllerManager({ ...le, identity: 'cm-a' }), cp.startControllerManager({ ...le, identity: 'cm-b' })];
    const scheds = [cp.startScheduler({ ...le, identity: 'sched-a' }), cp.startScheduler({ ...le, identity: 'sched-b' })];
    try {
    await eventually(() => cms.some((c) => c.isLeader()) && scheds.some((s) => s.isLeader()), 15_000, 'leaders');
    expect(cms.filter((c) => c.isLeader()).length).toBe(1);
    expect(scheds.filter((s) => s.isLeader()).length).toBe(1);

    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('le', 6, 'busybox:v1', { type: 'RollingUpdate' }));
    await waitRolledOut(cp.api, 'le');
    await sleep(500);
    expect((await allPods('le')).length).toBe(6);
    const rsCount = (await cp.api.resource<RsObj>('replicasets').list('default', { labelSelector: 'app=le' })).items.length;
    expect(rsCount).toBe(1);

    // the leaders go away: the standbys take over
    const cmLeader = cms.find((c) => c.isLeader())!;
    const schedLeader = scheds.find((s) => s.isLeader())!;
    await cmLeader.stop();
    await schedLeader.stop();
    const cmStandby = cms.find((c) => c !== cmLeader)!;
    const schedStandby = scheds.find((s) => s !== schedLeader)!;
    await eventually(() => cmStandby.isLeader() && schedStandby.isLeader(), 15_000, 'standbys to lead');
    await deployments.patch('default', 'le', { spec: { replicas: 9 } }, 'merge');
    await waitRolledOut(cp.api, 'le');
    await eventually(async () => {
      const pods = await allPods('le');
      return pods.length === 9 && pods.every((p) => p.spec?.nodeName);
    }, 20_000, '9 bound pods');
    } finally {
      await Promise.all([...cms, ...scheds].map((h) => h.stop()));
    }
  });
});
