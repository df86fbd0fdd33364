// The scheduling queue: pods waiting for a decision (FIFO), pods backing off after a failed attempt
// (1 s doubling to 10 s, as kube-scheduler), and unschedulable pods parked until the cluster
// changes (a node added or changed, a pod deleted) or a minute passes.
export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** unschedulable pods are retried at least this often even without cluster events */
  unschedulableFlushMs?: number;
  now?: () => number;
}

export class SchedulingQueue {
  private readonly active: string[] = [];
  private head = 0;
  private readonly activeSet = new Set<string>();
  private readonly backoffUntil = new Map<string, number>();
  private readonly unschedulable = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly waiters: ((k: string | undefined) => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly flushMs: number;
  private readonly now: () => number;

  constructor(o: SchedulingQueueOptions = {}) {
    this.initialBackoffMs = o.initialBackoffMs ?? 1000;
    this.maxBackoffMs = o.maxBackoffMs ?? 10_000;
    this.flushMs = o.unschedulableFlushMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.timer = setInterval(() => this.flush(), 200);
    this.timer.unref();
  }

  /** the back-off after `attempts` failed attempts */
  backoffMs(attempts: number): number {
    return Math.min(this.initialBackoffMs * 2 ** Math.max(0, attempts - 1), this.maxBackoffMs);
  }

  /** a new or changed pod waiting for a node; one still backing off waits for its turn */
  add(key: string): void {
    if (this.closed || this.activeSet.has(key)) return;
    this.unschedulable.delete(key);
    const until = this.backoffUntil.get(key);
    if (until !== undefined && until > this.now()) return; // flush() moves it when the back-off ends
    this.backoffUntil.delete(key);
    this.push(key);
  }

  /** no node fits: park until the cluster changes */
  addUnschedulable(key: string): void {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.backoffUntil.set(key, this.now() + this.backoffMs(n));
    this.unschedulable.set(key, this.now());
  }

  /** the attempt failed for another reason (binding error): retry after the back-off */
  addBackoff(key: string): void {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.backoffUntil.set(key, this.now() + this.backoffMs(n));
  }

  /** a cluster change may make parked pods fit: retry them (after their back-off) */
  moveAllToActive(): void {
    for (const key of this.unschedulable.keys()) {
      this.unschedulable.delete(key);
      if (!this.backoffUntil.has(key)) this.backoffUntil.set(key, 0);
    }
    this.flush();
  }

  /** the pod is bound or gone */
  delete(key: string): void {
    this.backoffUntil.delete(key);
    this.unschedulable.delete(key);
    this.attempts.delete(key);
    this.activeSet.delete(key);
  }

  pop(): Promise<string | undefined> {
    while (this.head < this.active.length) {
      const key = this.active[this.head++];
      this.compact();
      if (!this.activeSet.delete(key)) continue; // deleted while queued
      return Promise.resolve(key);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  pendingCount(): number {
    return this.activeSet.size + this.backoffUntil.size;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string): void {
    const w = this.waiters.shift();
    if (w) {
      w(key);
      return;
    }
    this.activeSet.add(key);
    this.active.push(key);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.active.length) {
      this.active.splice(0, this.head);
      this.head = 0;
    }
  }

  private flush(): void {
    const now = this.now();
    for (const [key, until] of this.backoffUntil) {
      if (until > now) continue;
      if (this.unschedulable.has(key)) {
        const since = this.unschedulable.get(key) ?? now;
        if (now - since < this.flushMs) continue;
        this.unschedulable.delete(key);
      }
      this.backoffUntil.delete(key);
      this.push(key);
    }
  }
}
