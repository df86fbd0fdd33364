// A rate-limited work queue with client-go's semantics: a waiting key is queued once however often
// it is added; a key being processed is not handed out again until `done`, and a re-add during
// processing queues it again after `done`; `addRateLimited` waits base·2^failures (capped);
// `shutdown` wakes every waiter with undefined.
import type { WorkQueue } from './types.js';

export interface WorkQueueOptions {
  /** first back-off step of addRateLimited, ms (default 5) */
  baseDelayMs?: number;
  /** back-off cap, ms (default 1000 s) */
  maxDelayMs?: number;
}

/** The per-key back-off after `failures` earlier failures. Pure. */
export function backoffDelay(failures: number, baseDelayMs: number, maxDelayMs: number): number {
  const d = baseDelayMs * Math.pow(2, failures);
  return Number.isFinite(d) ? Math.min(d, maxDelayMs) : maxDelayMs;
}

class RateLimitedQueue<K> implements WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: ((k: K | undefined) => void)[] = [];
  private readonly delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<K, number>();
  private shuttingDown = false;

  constructor(
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return; // an earlier wake-up already covers it
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, backoffDelay(n, this.baseDelayMs, this.maxDelayMs));
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  /** How many times the key has failed since its last `forget`. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  len(): number {
    return this.queue.length;
  }

  shutdown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}

export function createWorkQueue<K = string>(opts: WorkQueueOptions = {}): WorkQueue<K> & { numRequeues(key: K): number } {
  return new RateLimitedQueue<K>(opts.baseDelayMs ?? 5, opts.maxDelayMs ?? 1_000_000);
}
