// Kubernetes' restart back-off: the first restart is immediate, then 10 s doubling up to 5 min;
// an entry whose last restart is more than 10 min old (the container ran that long) starts over.
// The arithmetic is pure; `CrashBackoff` only keeps the entries per key.

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

export interface BackoffEntry {
  /** the delay the next failure waits */
  delayMs: number;
  /** when the last restart happened (ms since the epoch) */
  lastUpdate: number;
}

function expired(entry: BackoffEntry, eventTime: number): boolean {
  return eventTime - entry.lastUpdate > BACKOFF_RESET_MS;
}

/** How long to wait after a failure that finished at `finishedAt`; 0 means restart now. */
export function backoffRemainingMs(entry: BackoffEntry | undefined, finishedAt: number, now: number): number {
  if (!entry || expired(entry, finishedAt)) return 0;
  return Math.max(0, finishedAt + entry.delayMs - now);
}

/** The entry after restarting now. */
export function nextBackoff(entry: BackoffEntry | undefined, now: number): BackoffEntry {
  if (!entry || expired(entry, now)) return { delayMs: BACKOFF_INITIAL_MS, lastUpdate: now };
  return { delayMs: Math.min(entry.delayMs * 2, BACKOFF_MAX_MS), lastUpdate: now };
}

export interface BackoffLookup {
  get(key: string): BackoffEntry | undefined;
}

export class CrashBackoff implements BackoffLookup {
  private readonly entries = new Map<string, BackoffEntry>();

  get(key: string): BackoffEntry | undefined {
    return this.entries.get(key);
  }

  /** records a restart (or a retried pull) now and returns the new entry */
  next(key: string, now: number): BackoffEntry {
    const e = nextBackoff(this.entries.get(key), now);
    this.entries.set(key, e);
    return e;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** forgets every key with this prefix (a pod's keys when it goes away) */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

export function containerBackoffKey(podUid: string, containerName: string): string {
  return `${podUid}/container/${containerName}`;
}

export function pullBackoffKey(podUid: string, image: string): string {
  return `${podUid}/pull/${image}`;
}
