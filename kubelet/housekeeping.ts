// Every two seconds, once the pod informer has synced: whatever the runtime or the disk holds for a
// pod UID the kubelet does not know (deleted while the kubelet was down, or never ours) is stopped
// and removed, with the grace period recorded on its sandbox.
import type { Logger } from 'pino';
import type { Pleg } from './pleg/relist.js';
import type { PodSyncer } from './pod-sync/pod-syncer.js';
import type { VolumeManager } from './volumes/volume-manager.js';

export const HOUSEKEEPING_MS = 2000;

/** UIDs present in the runtime or on disk that no known pod has. Pure. */
export function orphanUids(runtimeUids: Iterable<string>, diskUids: Iterable<string>, known: ReadonlySet<string>): string[] {
  return [...new Set([...runtimeUids, ...diskUids])].filter((u) => !known.has(u));
}

export interface HousekeepingOptions {
  pleg: Pleg;
  volumes: VolumeManager;
  syncer: PodSyncer;
  known: () => ReadonlySet<string>;
  synced: () => boolean;
  log: Logger;
}

export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: HousekeepingOptions) {}

  async runOnce(): Promise<void> {
    if (!this.o.synced()) return;
    const orphans = orphanUids(this.o.pleg.runtimePodUids(), await this.o.volumes.podUidsOnDisk(), this.o.known());
    for (const uid of orphans) {
      if (this.stopped) return;
      // the informer may have learned of it meanwhile
      if (this.o.known().has(uid)) continue;
      this.o.log.info({ uid }, 'removing the runtime state of a pod that no longer exists');
      await this.o.syncer.cleanupOrphan(uid);
    }
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce();
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'housekeeping failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), HOUSEKEEPING_MS);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
