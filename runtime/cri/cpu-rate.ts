// usage_nano_cores: the CPU rate between two samples of a cgroup's cumulative usage (what
// `kubectl top` shows). The CRI leaves sampling to the runtime; this keeps the previous sample
// per object and answers the rate since then (undefined for the first sample).
export class CpuRateTracker {
  private readonly last = new Map<string, { usageNanos: number; atNanos: number }>();

  /** `usageNanos` cumulative CPU time, `atNanos` when it was read; returns nanocores or undefined */
  sample(key: string, usageNanos: number, atNanos: number): number | undefined {
    const prev = this.last.get(key);
    this.last.set(key, { usageNanos, atNanos });
    if (!prev || atNanos <= prev.atNanos || usageNanos < prev.usageNanos) return undefined;
    return Math.round(((usageNanos - prev.usageNanos) / (atNanos - prev.atNanos)) * 1e9);
  }

  forget(key: string): void {
    this.last.delete(key);
  }

  /** drops samples of objects that no longer exist */
  retain(keys: Set<string>): void {
    for (const k of this.last.keys()) if (!keys.has(k)) this.last.delete(k);
  }
}
