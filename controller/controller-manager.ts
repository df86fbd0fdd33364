// startControllerManager: the deployment, replicaset, garbage-collector, node-lifecycle and pod-gc
// controllers in one process, behind leader election on the kube-system/kube-controller-manager
// Lease (a standby copy waits). Every term starts from fresh informers, so a copy that loses and
// regains the lease never acts on a stale cache.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiClient } from '../client/rest-client.js';
import { createEventRecorder } from '../client/events.js';
import { runLeaderElection, type LeaderElectionHandle, type LeaseObject } from '../client/leader-election.js';
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
  let term: AbortController | undefined;
  let running: Promise<void> | undefined;
  const start = (signal?: AbortSignal): void => {
    term = new AbortController();
    const t = term;
    signal?.addEventListener('abort', () => t.abort(), { once: true });
    running = runTerm(o, log, allocator, t.signal).catch((e: unknown) => log.error({ err: (e as Error).message }, 'controller-manager term failed'));
  };
  if (o.leaderElect === false) {
    start();
    return {
      isLeader: () => true,
      stop: async () => {
        term?.abort();
        await running;
      },
    };
  }
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  const leClient = new ApiClient({ ...o.client, userAgent: 'skiff-controller-manager' });
  const election: LeaderElectionHandle = runLeaderElection({
    client: leClient.resource<LeaseObject>('leases'),
    namespace: 'kube-system',
    name: 'kube-controller-manager',
    identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    onStartedLeading: (signal) => {
      log.info({ identity }, 'leading: starting controllers');
      start(signal);
    },
    onStoppedLeading: () => log.warn({ identity }, 'lost leadership: controllers stopped'),
  });
  return {
    isLeader: () => election.isLeader(),
    stop: async () => {
      await election.stop();
      term?.abort();
      await running;
    },
  };
}
