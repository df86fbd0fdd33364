// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: a candidate takes the
// lease when it is free or when its holder has not renewed it for leaseDuration (measured on our
// own clock from when we last saw it change, so clock skew between machines does not matter);
// the leader renews every retryPeriod and gives up when it cannot renew within renewDeadline.
// Every write carries the resourceVersion it read (optimistic concurrency).
import type { KubeObject } from '../api/types/meta.js';
import type { Lease, LeaseSpec } from '../api/types/apps.js';
import { isNotFound } from './api-error.js';
import { clientLog } from './client-log.js';
import { microTime } from './micro-time.js';
import type { ResourceClient } from './types.js';

export type LeaseObject = Lease & KubeObject;

export interface LeaderElectionOptions {
  /** a ResourceClient for `leases` */
  client: ResourceClient<LeaseObject>;
  namespace?: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** called once leadership is won; `signal` aborts when it is lost or stop() is called */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
  /** called whenever the observed holder changes */
  onNewLeader?: (identity: string) => void;
}

export interface LeaderElectionHandle {
  isLeader(): boolean;
  /** stops campaigning; a leader releases the lease so another candidate takes over at once */
  stop(): Promise<void>;
}

/** What to write to take or renew the lease, or undefined when another holder's lease is still valid. Pure. */
export function nextLeaseSpec(
  current: LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: string,
  expired: boolean,
): LeaseSpec | undefined {
  const holder = current?.holderIdentity ?? '';
  if (holder && holder !== identity && !expired) return undefined;
  if (holder === identity) {
    return { ...current, holderIdentity: identity, leaseDurationSeconds, renewTime: now };
  }
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: current ? (current.leaseTransitions ?? 0) + (holder ? 1 : 0) : 0,
  };
}

class LeaseElector implements LeaderElectionHandle {
  private leading = false;
  private stopped = false;
  private observedKey = '';
  private observedAt = 0;
  private lastHolder = '';
  private leaderAbort: AbortController | undefined;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly namespace: string;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.namespace = o.namespace ?? 'kube-system';
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    if (!(this.leaseMs > this.renewDeadlineMs)) {
      throw new Error(`leaseDurationMs (${this.leaseMs}) must be greater than renewDeadlineMs (${this.renewDeadlineMs})`);
    }
  }

  startLoop(): void {
    this.loop = this.run();
  }

  isLeader(): boolean {
    return this.leading;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (await this.tryAcquireOrRenew()) {
        if (this.stopped) {
          // stop() came while this acquire was in flight: give the lease back
          await this.release();
          break;
        }
        this.becomeLeader();
        let lastRenew = Date.now();
        while (!this.stopped) {
          await this.sleep(this.retryMs);
          if (this.stopped) break;
          if (await this.tryAcquireOrRenew()) {
            lastRenew = Date.now();
          } else if (Date.now() - lastRenew >= this.renewDeadlineMs || this.lastHolder !== this.o.identity) {
            clientLog.warn({ lease: this.o.name, identity: this.o.identity }, 'leadership lost');
            this.loseLeadership();
            break;
          }
        }
      } else {
        await this.sleep(this.retryMs);
      }
    }
  }

  private becomeLeader(): void {
    this.leading = true;
    this.leaderAbort = new AbortController();
    clientLog.info({ lease: `${this.namespace}/${this.o.name}`, identity: this.o.identity }, 'became leader');
    const signal = this.leaderAbort.signal;
    Promise.resolve()
      .then(() => this.o.onStartedLeading(signal))
      .catch((e: unknown) => clientLog.error({ err: (e as Error).message }, 'onStartedLeading failed'));
  }

  private loseLeadership(): void {
    if (!this.leading) return;
    this.leading = false;
    this.leaderAbort?.abort();
    try {
      this.o.onStoppedLeading?.();
    } catch (e) {
      clientLog.error({ err: (e as Error).message }, 'onStoppedLeading failed');
    }
  }

  private observe(spec: LeaseSpec | undefined): void {
    const key = `${spec?.holderIdentity ?? ''}|${spec?.renewTime ?? ''}`;
    if (key !== this.observedKey) {
      this.observedKey = key;
      this.observedAt = Date.now();
    }
    const holder = spec?.holderIdentity ?? '';
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      if (holder) this.o.onNewLeader?.(holder);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, name, identity } = this.o;
    const seconds = Math.ceil(this.leaseMs / 1000);
    try {
      let lease: LeaseObject | undefined;
      try {
        lease = await client.get(this.namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (!lease) {
        const spec = nextLeaseSpec(undefined, identity, seconds, microTime(), true);
        const created = await client.create(this.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace: this.namespace },
          spec,
        });
        this.observe(created.spec);
        return true;
      }
      this.observe(lease.spec);
      const expired = Date.now() > this.observedAt + this.leaseMs;
      const spec = nextLeaseSpec(lease.spec, identity, seconds, microTime(), expired);
      if (!spec) return false;
      const updated = await client.update(this.namespace, { ...lease, spec });
      this.observe(updated.spec);
      return true;
    } catch (e) {
      clientLog.debug({ err: (e as Error).message, lease: name }, 'lease acquire/renew failed');
      return false;
    }
  }

  private async release(): Promise<void> {
    try {
      const lease = await this.o.client.get(this.namespace, this.o.name);
      if (lease.spec?.holderIdentity !== this.o.identity) return;
      const now = microTime();
      await this.o.client.update(this.namespace, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
    } catch (e) {
      clientLog.warn({ err: (e as Error).message, lease: this.o.name }, 'could not release the lease');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.wake.signal;
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake.abort();
    // a request in flight to an unreachable server must not hold shutdown for its whole timeout
    await Promise.race([this.loop, delay(this.retryMs)]);
    const wasLeader = this.leading;
    this.loseLeadership();
    if (wasLeader) await Promise.race([this.release(), delay(Math.min(2_000, this.renewDeadlineMs))]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Starts campaigning at once; returns the handle. */
export function runLeaderElection(opts: LeaderElectionOptions): LeaderElectionHandle {
  const elector = new LeaseElector(opts);
  elector.startLoop();
  return elector;
}
