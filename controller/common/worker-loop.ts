// The loop every controller runs: take a key, sync it, back off on failure, forget on success.
import type { Logger } from 'pino';
import type { WorkQueue } from '../../client/types.js';

/** What a sync can ask for besides success: be called again after some time. */
export interface SyncResult {
  requeueAfterMs?: number;
}

export function runWorkers(
  queue: WorkQueue<string>,
  workers: number,
  sync: (key: string) => Promise<SyncResult | void>,
  log: Logger,
): Promise<void[]> {
  const one = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const r = await sync(key);
        queue.forget(key);
        if (r && r.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(1, r.requeueAfterMs));
      } catch (e) {
        log.warn({ key, err: (e as Error).message }, 'sync failed; retrying');
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  return Promise.all(Array.from({ length: workers }, one));
}
