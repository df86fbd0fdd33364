import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import type { PodSandboxStatsInfo } from '../../kubelet/cri/runtime-service.js';
import { cpuRateNanoCores, CpuRateTracker, keptSamples, WINDOW_MS } from '../../kubelet/stats/cpu-rate.js';
import { parseMeminfo, parseProcStat, type NodeSample } from '../../kubelet/stats/proc-node.js';
import { StatsProvider, PRIME_INTERVAL_MS } from '../../kubelet/stats/stats-provider.js';
import { buildSummary, missingRates } from '../../kubelet/stats/summary-builder.js';

const S = 1e9;

describe('cpu rate', () => {
  it('is the counter delta over the time delta, in nanocores', () => {
    expect(cpuRateNanoCores({ usageCoreNanoSeconds: 1 * S, atNanos: 10 * S }, { usageCoreNanoSeconds: 1.4 * S, atNanos: 12 * S })).toBe(200_000_000);
  });
  it('has no value without a previous sample, when time stands still or the counter goes back', () => {
    expect(cpuRateNanoCores(undefined, { usageCoreNanoSeconds: 5, atNanos: 5 })).toBeUndefined();
    expect(cpuRateNanoCores({ usageCoreNanoSeconds: 1, atNanos: 5 }, { usageCoreNanoSeconds: 2, atNanos: 5 })).toBeUndefined();
    expect(cpuRateNanoCores({ usageCoreNanoSeconds: 9 * S, atNanos: 1 * S }, { usageCoreNanoSeconds: 1 * S, atNanos: 2 * S })).toBeUndefined();
  });
  it('keeps the samples of the last window (at least the previous one); a reset starts afresh', () => {
    const at = (s: number) => ({ usageCoreNanoSeconds: s * S, atNanos: s * S });
    expect(keptSamples([], at(1))).toEqual([at(1)]);
    expect(keptSamples([at(1)], at(100))).toEqual([at(1), at(100)]);
    expect(keptSamples([at(1), at(90), at(95)], at(100))).toEqual([at(90), at(95), at(100)]);
    expect(WINDOW_MS).toBe(15_000);
    expect(keptSamples([at(50)], { usageCoreNanoSeconds: 1, atNanos: 60 * S })).toEqual([{ usageCoreNanoSeconds: 1, atNanos: 60 * S }]);
  });
  it('the rate averages over the window, not just since the last sample', () => {
    const t = new CpuRateTracker();
    t.sample('a', { usageCoreNanoSeconds: 0, atNanos: 0 });
    t.sample('a', { usageCoreNanoSeconds: 1 * S, atNanos: 10 * S });
    // 0.1 s later and no CPU used in between: still ≈ 0.1 core over the last 10.1 s
    expect(t.sample('a', { usageCoreNanoSeconds: 1 * S, atNanos: 10.1 * S })).toBe(Math.round((1 / 10.1) * S));
    // 20 s on, the samples from before the window are gone: the rate is since 10.1 s
    expect(t.sample('a', { usageCoreNanoSeconds: 3 * S, atNanos: 30.1 * S })).toBe(100_000_000);
  });
  it('the tracker keeps the previous sample per key and forgets keys not retained', () => {
    const t = new CpuRateTracker();
    expect(t.sample('a', { usageCoreNanoSeconds: 0, atNanos: 1 * S })).toBeUndefined();
    expect(t.sample('b', { usageCoreNanoSeconds: 0, atNanos: 1 * S })).toBeUndefined();
    expect(t.sample('a', { usageCoreNanoSeconds: 0.5 * S, atNanos: 2 * S })).toBe(500_000_000);
    // the window reaches back to the first sample: 2.5 s of CPU in 2 s
    expect(t.sample('a', { usageCoreNanoSeconds: 2.5 * S, atNanos: 3 * S })).toBe(1_250_000_000);
    t.retain(new Set(['a']));
    expect(t.size).toBe(1);
    expect(t.sample('b', { usageCoreNanoSeconds: 1 * S, atNanos: 4 * S })).toBeUndefined();
  });
});

describe('/proc parsers', () => {
  it('busy CPU time leaves out idle and iowait; btime is the boot time', () => {
    expect(parseProcStat('cpu  100 5 50 1000 20 1 2 0 0 0\ncpu0 1 1 1 1\nbtime 1700000000\n')).toEqual({ busyCoreNanoSeconds: 158 * 10_000_000, bootTimeSeconds: 1700000000 });
    expect(() => parseProcStat('intr 1 2')).toThrow('/proc/stat');
  });
  it('memory: usage is total minus free, the working set drops inactive file pages', () => {
    const m = parseMeminfo('MemTotal:  4000 kB\nMemFree:  1000 kB\nMemAvailable:  2500 kB\nActive(file):  300 kB\nInactive(file):  700 kB\n');
    expect(m).toEqual({ totalBytes: 4000 * 1024, availableBytes: 2500 * 1024, usageBytes: 3000 * 1024, workingSetBytes: 2300 * 1024 });
    expect(() => parseMeminfo('MemTotal: 1 kB\n')).toThrow('MemFree');
  });
});

const T = Date.parse('2026-11-24T01:00:00Z');

function node(atMs: number, busySeconds: number): NodeSample {
  return {
    atMs,
    stat: { busyCoreNanoSeconds: busySeconds * S, bootTimeSeconds: T / 1000 - 3600 },
    memory: { totalBytes: 4e9, availableBytes: 3e9, usageBytes: 2e9, workingSetBytes: 1e9 },
  };
}

function sandbox(atMs: number, podCpuSeconds: number, ctrCpuSeconds: number): PodSandboxStatsInfo {
  return {
    sandbox_id: 's1',
    metadata: { name: 'busy', namespace: 'default', uid: 'u1', attempt: 0 },
    timestamp: atMs * 1e6,
    cpu_usage_core_nano_seconds: podCpuSeconds * S,
    memory_working_set_bytes: 5_000_000,
    memory_usage_bytes: 6_000_000,
    rx_bytes: 10,
    tx_bytes: 20,
    containers: [
      { id: 'c1', name: 'spin', timestamp: atMs * 1e6, cpu_usage_core_nano_seconds: ctrCpuSeconds * S, memory_working_set_bytes: 4_000_000, memory_available_bytes: 60_000_000 },
    ],
  };
}

const apiPod: Pod = {
  metadata: { name: 'busy', namespace: 'default', uid: 'u1' },
  status: { startTime: '2026-11-24T00:59:00Z', containerStatuses: [{ name: 'spin', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: '2026-11-24T00:59:01Z' } } }] },
} as Pod;

describe('summary builder', () => {
  it('shapes node, pods and containers as the Summary API, preferring the kubelet rates', () => {
    const s = buildSummary({
      nodeName: 'n1',
      node: node(T, 10),
      pods: [{ ...sandbox(T, 3, 2), cpu_usage_nano_cores: 7 }],
      apiPods: [apiPod],
      rates: new Map([
        ['node', 1_500_000_000],
        ['pod/s1', 210_000_000],
        ['ctr/c1', 200_000_000],
      ]),
    });
    expect(s.node).toEqual({
      nodeName: 'n1',
      startTime: '2026-11-24T00:00:00.000Z',
      cpu: { time: '2026-11-24T01:00:00.000Z', usageNanoCores: 1_500_000_000, usageCoreNanoSeconds: 10 * S },
      memory: { time: '2026-11-24T01:00:00.000Z', availableBytes: 3e9, usageBytes: 2e9, workingSetBytes: 1e9 },
    });
    expect(s.pods).toEqual([
      {
        podRef: { name: 'busy', namespace: 'default', uid: 'u1' },
        startTime: '2026-11-24T00:59:00Z',
        containers: [
          {
            name: 'spin',
            startTime: '2026-11-24T00:59:01Z',
            cpu: { time: '2026-11-24T01:00:00.000Z', usageNanoCores: 200_000_000, usageCoreNanoSeconds: 2 * S },
            memory: { time: '2026-11-24T01:00:00.000Z', availableBytes: 60_000_000, workingSetBytes: 4_000_000 },
          },
        ],
        cpu: { time: '2026-11-24T01:00:00.000Z', usageNanoCores: 210_000_000, usageCoreNanoSeconds: 3 * S },
        memory: { time: '2026-11-24T01:00:00.000Z', usageBytes: 6_000_000, workingSetBytes: 5_000_000 },
        network: { time: '2026-11-24T01:00:00.000Z', rxBytes: 10, txBytes: 20 },
      },
    ]);
    expect(missingRates(s)).toBe(false);
  });
  it('falls back to the runtime rate; a counter with no rate at all is missing', () => {
    const s = buildSummary({ nodeName: 'n1', node: node(T, 10), pods: [{ ...sandbox(T, 3, 2), cpu_usage_nano_cores: 7 }], apiPods: [], rates: new Map([['node', 1]]) });
    expect(s.pods[0]!.cpu!.usageNanoCores).toBe(7);
    expect(s.pods[0]!.startTime).toBeUndefined();
    expect(s.pods[0]!.containers[0]!.cpu!.usageNanoCores).toBeUndefined();
    expect(missingRates(s)).toBe(true);
  });
});

describe('stats provider', () => {
  it('samples in the background until stopped, so that a request needs no second sample', async () => {
    let now = T;
    const cpu = { node: 10, ctr: 2 };
    let listed = 0;
    const p = new StatsProvider({
      nodeName: 'n1',
      listPods: () => [apiPod],
      listPodSandboxStats: async () => {
        listed++;
        return [sandbox(now, cpu.ctr, cpu.ctr)];
      },
      readNode: (at) => node(at, cpu.node),
      now: () => now,
      sleep: async () => {
        throw new Error('no second sample expected');
      },
    });
    const errors: Error[] = [];
    p.start((e) => errors.push(e), 20);
    try {
      await new Promise((r) => setTimeout(r, 70));
    } finally {
      p.stop();
    }
    const sampled = listed;
    expect(sampled).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(listed).toBe(sampled);
    now += 5000;
    cpu.node += 5;
    cpu.ctr += 1;
    const s = await p.summary();
    expect(s.node.cpu!.usageNanoCores).toBe(1_000_000_000);
    expect(s.pods[0]!.containers[0]!.cpu!.usageNanoCores).toBe(200_000_000);
    expect(errors).toEqual([]);
  });

  it('a first request samples twice and answers the rates between the samples', async () => {
    let now = T;
    const slept: number[] = [];
    const cpu = { node: 10, pod: 3, ctr: 2 };
    const p = new StatsProvider({
      nodeName: 'n1',
      listPods: () => [apiPod],
      listPodSandboxStats: async () => [sandbox(now, cpu.pod, cpu.ctr)],
      readNode: (at) => node(at, cpu.node),
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
        cpu.node += 1.2;
        cpu.pod += 0.21;
        cpu.ctr += 0.2;
      },
    });
    const s = await p.summary();
    expect(slept).toEqual([PRIME_INTERVAL_MS]);
    expect(s.node.cpu!.usageNanoCores).toBe(1_200_000_000);
    expect(s.pods[0]!.cpu!.usageNanoCores).toBe(210_000_000);
    expect(s.pods[0]!.containers[0]!.cpu!.usageNanoCores).toBe(200_000_000);

    // the next request compares with the kept sample: no second wait
    now += 20_000;
    cpu.ctr += 1;
    cpu.pod += 1;
    cpu.node += 2;
    const s2 = await p.summary();
    expect(slept).toHaveLength(1);
    expect(s2.pods[0]!.containers[0]!.cpu!.usageNanoCores).toBe(50_000_000);
    expect(s2.node.cpu!.usageNanoCores).toBe(100_000_000);
  });
});
