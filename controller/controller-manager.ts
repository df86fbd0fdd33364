// startControllerManager: the deployment, replicaset, garbage-collector, node-lifecycle and pod-gc
// controllers in one process, behind leader election on the kube-system/kube-controller-manager
// Lease (a standby copy waits). Every term starts from fresh informers, so a copy that loses and
// regains the lease never acts on a stale cache.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { ApiClient } from '../client/rest-client.js';
import { createEventRecorder } from '../client/events.js';
import { runLeaderComponent } from '../client/leader-component.js';
import type { ClientConfig } from '../client/types.js';
import type { Controller, ControllerContext } from './common/controller-context.js';
import { componentLogger } from './common/log.js';
import { SharedInformers } from './common/shared-informers.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { GarbageCollector } from './gc/garbage-collector.js';
import { CidrAllocator, parseCidr } from './node/cidr-allocator.js';
import { NodeLifecycleController } from './node/node-lifecycle-controller.js';
import { PodGcController } from './podgc/pod-gc-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';

export interface ControllerManagerOptions {
  client: ClientConfig;
  leaderElect?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  nodeMonitorGracePeriodMs?: number;
  nodeMonitorPeriodMs?: number;
  podEvictionTimeoutMs?: number;
  /** undefined or '' disables pod CIDR allocation */
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  terminatedPodGcThreshold?: number;
  podGcPeriodMs?: number;
  log?: Logger;
}

export interface ControllerManagerHandle {
  isLeader(): boolean;
  stop(): Promise<void>;
}

export const DEFAULTS = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  terminatedPodGcThreshold: 12_500,
  podGcPeriodMs: 20_000,
};

function buildControllers(ctx: ControllerContext, o: ControllerManagerOptions, allocator: CidrAllocator | undefined): Controller[] {
  return [
    new DeploymentController(ctx),
    new ReplicaSetController(ctx),
    new GarbageCollector(ctx),
    new NodeLifecycleController(ctx, {
      gracePeriodMs: o.nodeMonitorGracePeriodMs ?? DEFAULTS.nodeMonitorGracePeriodMs,
      monitorPeriodMs: o.nodeMonitorPeriodMs ?? DEFAULTS.nodeMonitorPeriodMs,
      podEvictionTimeoutMs: o.podEvictionTimeoutMs,
      allocator,
    }),
    new PodGcController(ctx, {
      periodMs: o.podGcPeriodMs ?? DEFAULTS.podGcPeriodMs,
      terminatedPodThreshold: o.terminatedPodGcThreshold ?? DEFAULTS.terminatedPodGcThreshold,
    }),
  ];
}

/** Runs every controller until `signal` aborts. */
async function runTerm(o: ControllerManagerOptions, log: Logger, allocator: CidrAllocator | undefined, signal: AbortSignal): Promise<void> {
  // every controller and informer waits on this one signal: more than Node's default 10 listeners
  setMaxListeners(0, signal);
  const client = new ApiClient({ ...o.client, userAgent: 'skiff-controller-manager' });
  const informers = new SharedInformers(client);
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: createEventRecorder(client, { component: 'controller-manager' }),
    log,
    now: Date.now,
    signal,
  };
  const controllers = buildControllers(ctx, o, allocator);
  for (const c of controllers) c.init();
  // informers the controllers did not ask for are still needed by the node lifecycle (leases)
  informers.get('leases');
  signal.addEventListener('abort', () => informers.stop(), { once: true });
  await informers.start();
  if (signal.aborted) return;
  log.info({ controllers: controllers.map((c) => c.name) }, 'controllers started');
  await Promise.all(
    controllers.map((c) =>
      c.run().catch((e: unknown) => log.error({ controller: c.name, err: (e as Error).message }, 'controller stopped with an error')),
    ),
  );
}

export function startControllerManager(o: ControllerManagerOptions): ControllerManagerHandle {
  const log = o.log ?? componentLogger('controller-manager');
  const cidr = o.clusterCidr ?? DEFAULTS.clusterCidr;
  const allocator = cidr ? new CidrAllocator(parseCidr(cidr, 'cluster-cidr'), o.nodeCidrMaskSize ?? DEFAULTS.nodeCidrMaskSize) : undefined;
  return runLeaderComponent({
    client: o.client,
    lease: 'kube-controller-manager',
    userAgent: 'skiff-controller-manager',
    log,
    leaderElect: o.leaderElect,
    identity: o.identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    runTerm: (signal) => runTerm(o, log, allocator, signal),
  });
}
