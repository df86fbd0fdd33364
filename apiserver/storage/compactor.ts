// Periodic etcd compaction, as Kubernetes' apiserver does: each interval, compact to the revision
// seen one interval earlier, so history stays bounded while watchers have a full interval to resume.
import type { Logger } from 'pino';
import type { ObjectStore } from './object-store.js';

export class Compactor {
  private previous = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<ObjectStore, 'currentRevision' | 'compact'>,
    private readonly log?: Logger,
  ) {}

  /** One round: compacts to the revision remembered last round (if any), remembers the current one. */
  async tick(): Promise<number | undefined> {
    const current = await this.store.currentRevision();
    const target = this.previous;
    this.previous = current;
    if (target <= 0 || target > current) return undefined;
    try {
      await this.store.compact(target);
    } catch (e) {
      // already compacted past it (another apiserver sharing this etcd): fine
      if (!/compacted/i.test((e as Error).message)) throw e;
    }
    this.log?.info({ revision: target }, 'compacted etcd');
    return target;
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.tick().catch((e) => this.log?.warn({ err: e }, 'etcd compaction failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
