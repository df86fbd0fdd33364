// startScheduler: the scheduler behind leader election on the kube-system/kube-scheduler Lease.
// Each leadership term starts from fresh informers and an empty node cache.
import { pino, type Logger } from 'pino';
import type { KubeObject, Node, Pod } from '../api/types/index.js';
import { ApiClient } from '../client/rest-client.js';
import { createEventRecorder } from '../client/events.js';
import { createInformer } from '../client/informer.js';
import { runLeaderComponent } from '../client/leader-component.js';
import type { ClientConfig } from '../client/types.js';
import { defaultProfile } from './default-profile.js';
import { SchedulerLoop } from './scheduler.js';

export interface SchedulerOptions {
  client: ClientConfig;
  leaderElect?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** 0 = adaptive like kube-scheduler */
  percentageOfNodesToScore?: number;
  maxInFlightBindings?: number;
  log?: Logger;
  /** called with each term's loop once its informers are synced (benchmarks, tests) */
  onStarted?: (loop: SchedulerLoop) => void;
}

export interface SchedulerHandle {
  isLeader(): boolean;
  stop(): Promise<void>;
}

async function runTerm(o: SchedulerOptions, log: Logger, signal: AbortSignal): Promise<void> {
  const client = new ApiClient({ ...o.client, userAgent: 'skiff-scheduler' });
  const pods = createInformer<Pod & KubeObject>(client.resource('pods'));
  const nodes = createInformer<Node & KubeObject>(client.resource('nodes'));
  const loop = new SchedulerLoop({
    pods,
    nodes,
    podClient: client.resource('pods'),
    recorder: createEventRecorder(client, { component: 'default-scheduler' }),
    log,
    profile: defaultProfile(o.percentageOfNodesToScore ?? 0),
    maxInFlight: o.maxInFlightBindings,
  });
  loop.init();
  const stop = (): void => {
    loop.stop();
    pods.stop();
    nodes.stop();
  };
  signal.addEventListener('abort', stop, { once: true });
  await Promise.all([nodes.start(), pods.start()]);
  if (signal.aborted) return;
  log.info({ nodes: loop.cache.size() }, 'scheduler started');
  o.onStarted?.(loop);
  await loop.run();
}

export function startScheduler(o: SchedulerOptions): SchedulerHandle {
  const log = o.log ?? pino({ name: 'scheduler', level: process.env.SKIFF_LOG_LEVEL ?? 'info' });
  return runLeaderComponent({
    client: o.client,
    lease: 'kube-scheduler',
    userAgent: 'skiff-scheduler',
    log,
    leaderElect: o.leaderElect,
    identity: o.identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    runTerm: (signal) => runTerm(o, log, signal),
  });
}
