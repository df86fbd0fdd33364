// PLEG-style relist: every second, list every sandbox and container of the runtime and compare a
// fingerprint per pod (IDs and states) with the previous relist; the pods whose fingerprint changed
// are handed to the pod workers, so container exits are noticed within about a second.
import type { Logger } from 'pino';
import { LABEL_POD_UID } from '../cri/labels.js';
import type { CriContainer, PodSandbox, RuntimeService } from '../cri/runtime-service.js';

/** uid → a string that changes whenever one of the pod's sandboxes or containers changes state */
export function podFingerprints(sandboxes: PodSandbox[], containers: CriContainer[]): Map<string, string> {
  const parts = new Map<string, string[]>();
  const add = (uid: string | undefined, s: string) => {
    if (!uid) return;
    parts.set(uid, [...(parts.get(uid) ?? []), s]);
  };
  for (const s of sandboxes) add(s.labels[LABEL_POD_UID], `s:${s.id}:${s.state}`);
  for (const c of containers) add(c.labels[LABEL_POD_UID], `c:${c.id}:${c.state}`);
  return new Map([...parts].map(([uid, p]) => [uid, p.sort().join(',')]));
}

/** Pods that appeared, changed or disappeared between two relists. */
export function changedPods(prev: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [uid, fp] of next) if (prev.get(uid) !== fp) out.push(uid);
  for (const uid of prev.keys()) if (!next.has(uid)) out.push(uid);
  return out;
}

export interface RelistOptions {
  runtime: RuntimeService;
  periodMs?: number;
  onChanged: (uids: string[]) => void;
  log: Logger;
}

export class Pleg {
  private prev = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: RelistOptions) {}

  /** the pod UIDs the runtime held at the last relist */
  runtimePodUids(): string[] {
    return [...this.prev.keys()];
  }

  /** one relist now (also the first one at start) */
  async relist(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.o.runtime.listPodSandbox(), this.o.runtime.listContainers()]);
    const next = podFingerprints(sandboxes, containers);
    const changed = changedPods(this.prev, next);
    this.prev = next;
    if (changed.length) this.o.onChanged(changed);
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.relist();
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'PLEG relist failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.o.periodMs ?? 1000);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
