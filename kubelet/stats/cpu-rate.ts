// CPU usage as a rate: usageNanoCores from two samples of a cumulative CPU counter (what `top`
// shows). The rate is a pure function; CpuRateTracker keeps recent samples per object and answers
// the rate over a window of up to WINDOW_MS (as metrics-server averages over its scrape interval),
// so that two requests a moment apart do not measure a few milliseconds of CFS scheduling.

export interface CpuSample {
  /** cumulative CPU time in core-nanoseconds */
  usageCoreNanoSeconds: number;
  /** when it was read, in nanoseconds since the epoch */
  atNanos: number;
}

/** the longest interval a rate averages over */
export const WINDOW_MS = 15_000;
/** samples kept per object at most */
const MAX_SAMPLES = 16;

/**
 * Billionths of a core used between PREV and CUR: undefined without a previous sample, when time
 * did not advance, or when the counter went backwards (the object was recreated).
 */
export function cpuRateNanoCores(prev: CpuSample | undefined, cur: CpuSample): number | undefined {
  if (!prev) return undefined;
  const dt = cur.atNanos - prev.atNanos;
  const used = cur.usageCoreNanoSeconds - prev.usageCoreNanoSeconds;
  if (dt <= 0 || used < 0) return undefined;
  return Math.round((used / dt) * 1e9);
}

/**
 * The samples worth keeping once CUR is taken, oldest first: those within WINDOW_MS of CUR (at
 * least the latest earlier one, whatever its age), and CUR. A counter that went backwards starts
 * the history afresh. The first entry is the base of the rate.
 */
export function keptSamples(history: readonly CpuSample[], cur: CpuSample): CpuSample[] {
  const last = history.at(-1);
  if (last && cur.usageCoreNanoSeconds < last.usageCoreNanoSeconds) return [cur];
  const since = cur.atNanos - WINDOW_MS * 1e6;
  const earlier = history.filter((s) => s.atNanos < cur.atNanos);
  const recent = earlier.filter((s) => s.atNanos >= since);
  const base = recent.length ? recent : earlier.slice(-1);
  return [...base, cur].slice(-MAX_SAMPLES);
}

export class CpuRateTracker {
  private readonly history = new Map<string, CpuSample[]>();

  /** records CUR for KEY and answers the rate over the window ending at CUR */
  sample(key: string, cur: CpuSample): number | undefined {
    const prev = this.history.get(key) ?? [];
    const last = prev.at(-1);
    if (last && cur.atNanos <= last.atNanos) return undefined;
    const kept = keptSamples(prev, cur);
    this.history.set(key, kept);
    return kept.length > 1 ? cpuRateNanoCores(kept[0], cur) : undefined;
  }

  /** drops the samples of objects not in KEYS (gone pods and containers) */
  retain(keys: Set<string>): void {
    for (const k of this.history.keys()) if (!keys.has(k)) this.history.delete(k);
  }

  get size(): number {
    return this.history.size;
  }
}
