// A readers-writer lock for the image store: pulls and imports share it, GC and removal take it
// exclusively, so GC never deletes a blob or layer a pull has written but not yet recorded. With
// a lock file it also holds across processes (the runtime and `skiff image` on one root), through
// flock: LOCK_SH while any shared holder runs here, LOCK_EX for an exclusive one.
import * as fs from 'node:fs';
import { LOCK_EX, LOCK_SH, funlock, tryFlock } from './sys-calls.js';

const POLL_MS = 25;

export class StoreLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: Array<{ exclusive: boolean; wake: () => void }> = [];
  private fd: number | undefined;
  /** the file lock for the current shared holders, taken by the first of them */
  private sharedFileLock: Promise<void> | undefined;

  constructor(private readonly lockFile?: string) {}

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      this.sharedFileLock ??= this.lockFile ? this.fileLock(LOCK_SH) : Promise.resolve();
      await this.sharedFileLock;
      return await fn();
    } finally {
      this.readers--;
      // synchronously, so a shared holder arriving next cannot see a lock about to be released
      if (this.readers === 0) {
        this.sharedFileLock = undefined;
        this.fileUnlock();
      }
      this.dispatch();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    let locked = false;
    try {
      if (this.lockFile) {
        await this.fileLock(LOCK_EX);
        locked = true;
      }
      return await fn();
    } finally {
      if (locked) this.fileUnlock();
      this.writer = false;
      this.dispatch();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push({ exclusive, wake: resolve });
      this.dispatch();
    });
  }

  /** wakes waiters in arrival order: a run of shared ones together, or one exclusive alone */
  private dispatch(): void {
    while (this.waiting.length && !this.writer) {
      const next = this.waiting[0];
      if (next.exclusive) {
        if (this.readers > 0) return;
        this.waiting.shift();
        this.writer = true;
        next.wake();
        return;
      }
      this.waiting.shift();
      this.readers++;
      next.wake();
    }
  }

  /** closes the lock file (releasing any flock); for when the store is done */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** polls a non-blocking flock, so the event loop never blocks on another process */
  private async fileLock(op: typeof LOCK_SH | typeof LOCK_EX): Promise<void> {
    const file = this.lockFile as string;
    this.fd ??= fs.openSync(file, 'a', 0o600);
    while (!tryFlock(this.fd, op, file)) await new Promise((r) => setTimeout(r, POLL_MS));
  }

  /** releases whatever flock this process holds on the lock file (a no-op when none) */
  private fileUnlock(): void {
    if (this.fd !== undefined) funlock(this.fd, this.lockFile as string);
  }
}
