// CPU usage as a rate: usageNanoCores from two samples of a cumulative CPU counter (what `top`
// shows). The rate is a pure function; CpuRateTracker keeps the previous sample per object.

export interface CpuSample {
  /** cumulative CPU time in core-nanoseconds */
  usageCoreNanoSeconds: number;
  /** when it was read, in nanoseconds since the epoch */
  atNanos: number;
}

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

export class CpuRateTracker {
  private readonly last = new Map<string, CpuSample>();

  /** records CUR for KEY and answers the rate since the previous sample of KEY */
  sample(key: string, cur: CpuSample): number | undefined {
    const prev = this.last.get(key);
    if (prev && cur.atNanos <= prev.atNanos) return undefined;
    this.last.set(key, cur);
    return cpuRateNanoCores(prev, cur);
  }

  /** drops the samples of objects not in KEYS (gone pods and containers) */
  retain(keys: Set<string>): void {
    for (const k of this.last.keys()) if (!keys.has(k)) this.last.delete(k);
  }

  get size(): number {
    return this.last.size;
  }
}
