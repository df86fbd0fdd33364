// The kubelet's stats: samples the node (/proc) and the CRI (ListPodSandboxStats), turns the
// cumulative CPU counters into rates against the previous sample of each object, and answers the
// Summary API document. Like cAdvisor's housekeeping, start() samples in the background so that
// rates are ready and average over several seconds; a request with nothing to compare with (the
// first, or a new container) samples a second time after a short interval instead of answering
// without CPU figures.
import type { Pod } from '../../api/types/core.js';
import type { Summary } from '../../api/types/stats.js';
import type { PodSandboxStatsInfo } from '../cri/runtime-service.js';
import { CpuRateTracker } from './cpu-rate.js';
import { readNodeSample, type NodeSample } from './proc-node.js';
import { buildSummary, containerKey, missingRates, NODE_KEY, podKey } from './summary-builder.js';

export interface StatsSources {
  nodeName: string;
  listPodSandboxStats(): Promise<PodSandboxStatsInfo[]>;
  /** the pods this kubelet runs */
  listPods(): Pod[];
  /** defaults to /proc */
  readNode?(atMs: number): NodeSample;
  now?(): number;
  sleep?(ms: number): Promise<void>;
}

/** how long a first request waits for its second sample */
export const PRIME_INTERVAL_MS = 1000;
/** the background sampling interval */
export const HOUSEKEEPING_INTERVAL_MS = 10_000;

export class StatsProvider {
  private readonly rates = new CpuRateTracker();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly src: StatsSources) {}

  private now(): number {
    return this.src.now ? this.src.now() : Date.now();
  }

  /** one sample of everything, with the rates since the previous one */
  private async sampleOnce(): Promise<Summary> {
    const pods = await this.src.listPodSandboxStats();
    const atMs = this.now();
    const node = (this.src.readNode ?? readNodeSample)(atMs);
    const rates = new Map<string, number>();
    const seen = new Set<string>([NODE_KEY]);
    const track = (key: string, usage: number | undefined, atNanos: number): void => {
      seen.add(key);
      if (usage === undefined) return;
      const r = this.rates.sample(key, { usageCoreNanoSeconds: usage, atNanos: atNanos > 0 ? atNanos : atMs * 1e6 });
      if (r !== undefined) rates.set(key, r);
    };
    track(NODE_KEY, node.stat.busyCoreNanoSeconds, atMs * 1e6);
    for (const p of pods) {
      track(podKey(p), p.cpu_usage_core_nano_seconds, p.timestamp);
      for (const c of p.containers) track(containerKey(p, c), c.cpu_usage_core_nano_seconds, c.timestamp);
    }
    this.rates.retain(seen);
    return buildSummary({ nodeName: this.src.nodeName, node, pods, apiPods: this.src.listPods(), rates });
  }

  async summary(): Promise<Summary> {
    const first = await this.sampleOnce();
    if (!missingRates(first)) return first;
    await (this.src.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(PRIME_INTERVAL_MS);
    return this.sampleOnce();
  }

  /** samples every INTERVAL_MS until stop(); a failed sample is reported to ONERROR and skipped */
  start(onError: (err: Error) => void, intervalMs = HOUSEKEEPING_INTERVAL_MS): void {
    if (this.timer) return;
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sampleOnce()
        .catch((e: unknown) => onError(e as Error))
        .finally(() => (running = false));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
