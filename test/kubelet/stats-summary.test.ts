import { describe, expect, it } from 'vitest';
import { buildStatsSummary, cpuNanoSecondsFromProcStat } from '../../kubelet/server/stats-summary.js';

describe('stats summary', () => {
  it('node CPU from /proc/stat: busy ticks in nanoseconds', () => {
    expect(cpuNanoSecondsFromProcStat('cpu  100 5 50 1000 20 1 2 0 0 0\ncpu0 1 1 1 1\n')).toBe(158 * 10_000_000);
  });

  it('shapes node and pod usage; the node CPU rate comes from two samples', () => {
    const t = Date.parse('2026-11-24T01:00:00Z');
    const prev = { at: t - 1000, cpuCoreNanoSeconds: 1e9, memoryTotalBytes: 4e9, memoryAvailableBytes: 3e9 };
    const now = { at: t, cpuCoreNanoSeconds: 1.5e9, memoryTotalBytes: 4e9, memoryAvailableBytes: 2.5e9 };
    const s = buildStatsSummary('n1', now, prev, [
      {
        sandbox_id: 's1',
        metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 },
        timestamp: t * 1e6,
        cpu_usage_nano_cores: 1_000_000,
        memory_working_set_bytes: 5_000_000,
        rx_bytes: 10,
        tx_bytes: 20,
        containers: [{ name: 'c', timestamp: t * 1e6, cpu_usage_core_nano_seconds: 7, memory_working_set_bytes: 4_000_000 }],
      },
    ]);
    expect(s.node).toEqual({
      nodeName: 'n1',
      cpu: { time: '2026-11-24T01:00:00.000Z', usageNanoCores: 500_000_000, usageCoreNanoSeconds: 1.5e9 },
      memory: { time: '2026-11-24T01:00:00.000Z', workingSetBytes: 1.5e9, availableBytes: 2.5e9 },
    });
    expect(s.pods[0]).toMatchObject({
      podRef: { name: 'web', namespace: 'default', uid: 'u1' },
      cpu: { usageNanoCores: 1_000_000 },
      memory: { workingSetBytes: 5_000_000 },
      network: { rxBytes: 10, txBytes: 20 },
      containers: [{ name: 'c', cpu: { usageCoreNanoSeconds: 7 }, memory: { workingSetBytes: 4_000_000 } }],
    });
  });
});
