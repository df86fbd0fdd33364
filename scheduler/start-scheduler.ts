// startScheduler: the scheduler behind leader election on the kube-system/kube-scheduler Lease.
// Each leadership term starts from fresh informers and an empty node cache.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { KubeObject, Node, Pod } from '../api/types/index.js';
import { ApiClient } from '../client/rest-client.js';
import { createEventRecorder } from '../client/events.js';
import { createInformer } from '../client/informer.js';
import { runLeaderElection, type LeaseObject } from '../client/leader-election.js';
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
  let term: AbortController | undefined;
  let running: Promise<void> | undefined;
  const start = (signal?: AbortSignal): void => {
    term = new AbortController();
    const t = term;
    signal?.addEventListener('abort', () => t.abort(), { once: true });
    running = runTerm(o, log, t.signal).catch((e: unknown) => log.error({ err: (e as Error).message }, 'scheduler term failed'));
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
  const election = runLeaderElection({
    client: new ApiClient({ ...o.client, userAgent: 'skiff-scheduler' }).resource<LeaseObject>('leases'),
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    onStartedLeading: (signal) => {
      log.info({ identity }, 'leading: starting the scheduler');
      start(signal);
    },
    onStoppedLeading: () => log.warn({ identity }, 'lost leadership: scheduler stopped'),
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
