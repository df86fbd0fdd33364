// A watch that outlives its stream: when the stream is lost (etcd restarted, a connection dropped)
// it is opened again, after a backoff, from the revision after the last event delivered, so the
// caller sees one gapless sequence of events. Only compaction of that revision, a cancel by etcd, or
// a closed client end it with an error.
import { EtcdCompactedError, EtcdWatchCanceledError, type EtcdClient, type EtcdWatch, type EtcdWatchHandlers } from './etcd-client.js';
import type { WatchCreateRequest } from './etcd-watch-messages.js';

export interface ResumeBackoff {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: ResumeBackoff = { initialMs: 250, maxMs: 5000 };

/** errors after which opening the watch again cannot help */
function isFinal(err: Error): boolean {
  return err instanceof EtcdCompactedError || err instanceof EtcdWatchCanceledError;
}

export function resumingWatch(
  client: Pick<EtcdClient, 'watch' | 'closed'>,
  req: WatchCreateRequest,
  handlers: EtcdWatchHandlers,
  backoff: ResumeBackoff = DEFAULT_BACKOFF,
): EtcdWatch {
  let next = req.startRevision ?? 0;
  let delay = backoff.initialMs;
  let cancelled = false;
  let current: EtcdWatch | undefined;
  let timer: NodeJS.Timeout | undefined;

  const open = (): void => {
    timer = undefined;
    if (cancelled) return;
    current = client.watch({ ...req, startRevision: next }, {
      onEvents: (events, headerRevision) => {
        if (cancelled) return;
        delay = backoff.initialMs;
        // etcd never splits one revision's events over two responses
        const last = events[events.length - 1]!.kv.modRevision;
        if (last >= next) next = last + 1;
        handlers.onEvents(events, headerRevision);
      },
      onError: (err) => {
        current = undefined;
        if (cancelled) return;
        if (isFinal(err) || client.closed) {
          cancelled = true;
          handlers.onError(err);
          return;
        }
        timer = setTimeout(open, delay);
        timer.unref();
        delay = Math.min(delay * 2, backoff.maxMs);
      },
    });
  };
  open();

  return {
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      if (timer) clearTimeout(timer);
      current?.cancel();
    },
  };
}
