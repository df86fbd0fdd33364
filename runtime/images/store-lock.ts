// A readers-writer lock for the image store: pulls and imports share it, GC and removal take it
// exclusively, so GC never deletes a blob or layer a pull has written but not yet recorded.
export class StoreLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: Array<{ exclusive: boolean; wake: () => void }> = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.readers--;
      this.dispatch();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
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
}
