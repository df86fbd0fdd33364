// What the benchmarks share: a nearest-rank percentile, a fixed-concurrency task pool, and the CPU
// seconds a child process has used.
import { readFileSync } from 'node:fs';

/** nearest-rank percentile (p in 0..100) of unsorted values; NaN for none */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** runs task(0..n-1) with `concurrency` in flight; returns the wall-clock seconds it took */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await task(i);
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** user+system CPU seconds of a process (from /proc), 0 when unknown */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
