// Runs a component's work only while it holds its leader Lease (or always, without election): each
// time it starts leading it runs one "term", aborted when leadership is lost or the component stops.
// The scheduler and the controller-manager both run this way.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { runLeaderElection, type LeaseObject } from './leader-election.js';
import { ApiClient } from './rest-client.js';
import type { ClientConfig } from './types.js';

export interface LeaderComponentOptions {
  client: ClientConfig;
  /** the Lease in kube-system: `kube-scheduler`, `kube-controller-manager` */
  lease: string;
  userAgent: string;
  log: Logger;
  /** false: run at once, with no election */
  leaderElect?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** one term of work; it must end soon after `signal` aborts */
  runTerm(signal: AbortSignal): Promise<void>;
}

export interface LeaderComponentHandle {
  isLeader(): boolean;
  stop(): Promise<void>;
}

export function runLeaderComponent(o: LeaderComponentOptions): LeaderComponentHandle {
  let term: AbortController | undefined;
  let running: Promise<void> | undefined;
  const start = (signal?: AbortSignal): void => {
    const t = (term = new AbortController());
    signal?.addEventListener('abort', () => t.abort(), { once: true });
    running = o.runTerm(t.signal).catch((e: unknown) => o.log.error({ err: (e as Error).message }, `${o.lease} term failed`));
  };
  const endTerm = async (): Promise<void> => {
    term?.abort();
    await running;
  };
  if (o.leaderElect === false) {
    start();
    return { isLeader: () => true, stop: endTerm };
  }
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  const election = runLeaderElection({
    client: new ApiClient({ ...o.client, userAgent: o.userAgent }).resource<LeaseObject>('leases'),
    namespace: 'kube-system',
    name: o.lease,
    identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    onStartedLeading: (signal) => {
      o.log.info({ identity, lease: o.lease }, 'leading: starting');
      start(signal);
    },
    onStoppedLeading: () => o.log.warn({ identity, lease: o.lease }, 'lost leadership: stopped'),
  });
  return {
    isLeader: () => election.isLeader(),
    stop: async () => {
      await election.stop();
      await endTerm();
    },
  };
}
