import { describe, expect, it } from 'vitest';
import type { Node } from '../../../api/types/core.js';
import type { PodStats, Summary } from '../../../api/types/stats.js';
import { nanoCoresToMillis, nodeUsageFrom, parseSortBy, podUsageFrom, sortNodes, sortPods, type PodUsage } from '../../../cli/skiffctl/top-metrics.js';
import { formatCpu, formatMemory, formatNodeTable, formatPercent, formatPodTable } from '../../../cli/skiffctl/top-printer.js';
import { summaryPath } from '../../../cli/skiffctl/top.js';

const t = '2026-11-24T01:00:00Z';
const MI = 1024 * 1024;

function podStats(name: string, containers: [string, number | undefined, number][]): PodStats {
  return {
    podRef: { name, namespace: 'default', uid: `uid-${name}` },
    cpu: { time: t, usageNanoCores: 999_000_000 },
    memory: { time: t, workingSetBytes: 1 },
    containers: containers.map(([n, cpu, mem]) => ({ name: n, cpu: { time: t, ...(cpu !== undefined ? { usageNanoCores: cpu } : {}) }, memory: { time: t, workingSetBytes: mem } })),
  };
}

describe('top metrics', () => {
  it('rounds nanocores up to millicores', () => {
    expect([0, 1, 1_000_000, 1_000_001, 199_500_000].map(nanoCoresToMillis)).toEqual([0, 1, 1, 2, 200]);
  });
  it('a pod is the sum of its containers; none without every container figure', () => {
    const u = podUsageFrom(podStats('web', [['b', 150_000_000, 20 * MI], ['a', 49_000_001, 10 * MI]]));
    expect(u).toEqual({
      namespace: 'default',
      name: 'web',
      cpuMillis: 200,
      memoryBytes: 30 * MI,
      containers: [
        { name: 'a', cpuMillis: 50, memoryBytes: 10 * MI },
        { name: 'b', cpuMillis: 150, memoryBytes: 20 * MI },
      ],
    });
    expect(podUsageFrom(podStats('new', [['a', undefined, 1]]))).toBeUndefined();
  });
  it('a pod without container figures uses its own', () => {
    expect(podUsageFrom(podStats('p', []))).toMatchObject({ cpuMillis: 999, memoryBytes: 1, containers: [] });
  });
  it('a node: usage from its summary, allocatable from the Node', () => {
    const node: Node = { metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } };
    const summary: Summary = { node: { nodeName: 'n1', cpu: { time: t, usageNanoCores: 500_000_000 }, memory: { time: t, workingSetBytes: 1024 * MI } }, pods: [] };
    expect(nodeUsageFrom(node, summary)).toEqual({ name: 'n1', usage: { cpuMillis: 500, memoryBytes: 1024 * MI }, allocatable: { cpuMillis: 2000, memoryBytes: 4096 * MI } });
    expect(nodeUsageFrom(node, undefined)).toEqual({ name: 'n1', allocatable: { cpuMillis: 2000, memoryBytes: 4096 * MI } });
  });
  it('sorts by name, or by cpu / memory largest first; rejects other keys naming them', () => {
    const rows: PodUsage[] = [
      { namespace: 'b', name: 'x', cpuMillis: 1, memoryBytes: 9, containers: [] },
      { namespace: 'a', name: 'z', cpuMillis: 5, memoryBytes: 1, containers: [] },
      { namespace: 'a', name: 'y', cpuMillis: 5, memoryBytes: 3, containers: [] },
    ];
    expect(sortPods(rows, undefined).map((r) => r.name)).toEqual(['y', 'z', 'x']);
    expect(sortPods(rows, 'cpu').map((r) => r.name)).toEqual(['y', 'z', 'x']);
    expect(sortPods(rows, 'memory').map((r) => r.name)).toEqual(['x', 'y', 'z']);
    const nodes = [{ name: 'b', usage: { cpuMillis: 1, memoryBytes: 1 } }, { name: 'a' }, { name: 'c', usage: { cpuMillis: 3, memoryBytes: 0 } }];
    expect(sortNodes(nodes, 'cpu').map((n) => n.name)).toEqual(['c', 'b', 'a']);
    expect(sortNodes(nodes, undefined).map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect(parseSortBy('cpu')).toBe('cpu');
    expect(() => parseSortBy('disk')).toThrow('invalid argument "disk" for "--sort-by" flag');
  });
});

describe('top printers', () => {
  it('formats cpu, memory and percentages as kubectl does', () => {
    expect(formatCpu(12)).toBe('12m');
    expect(formatMemory(34 * MI + MI - 1)).toBe('34Mi');
    expect(formatPercent(199, 2000)).toBe('9%');
    expect(formatPercent(1, 0)).toBe('<unknown>');
  });
  const rows: PodUsage[] = [
    { namespace: 'default', name: 'busy', cpuMillis: 198, memoryBytes: 1 * MI, containers: [{ name: 'spin', cpuMillis: 198, memoryBytes: 1 * MI }] },
    { namespace: 'kube-system', name: 'web-7f9c', cpuMillis: 0, memoryBytes: 12 * MI, containers: [{ name: 'httpd', cpuMillis: 0, memoryBytes: 12 * MI }] },
  ];
  it('pods: NAME CPU(cores) MEMORY(bytes), every column padded', () => {
    expect(formatPodTable(rows)).toBe(['NAME       CPU(cores)   MEMORY(bytes)   ', 'busy       198m         1Mi             ', 'web-7f9c   0m           12Mi            ', ''].join('\n'));
  });
  it('pods with -A and --containers; --no-headers', () => {
    expect(formatPodTable(rows, { allNamespaces: true, containers: true })).toBe(
      [
        'NAMESPACE     POD        NAME    CPU(cores)   MEMORY(bytes)   ',
        'default       busy       spin    198m         1Mi             ',
        'kube-system   web-7f9c   httpd   0m           12Mi            ',
        '',
      ].join('\n'),
    );
    expect(formatPodTable(rows.slice(0, 1), { noHeaders: true })).toBe('busy   198m   1Mi   \n');
  });
  it('--sum: a total under the CPU and memory columns, as kubectl 1.32 prints it', () => {
    expect(formatPodTable(rows, { containers: true, sum: true })).toBe(
      [
        'POD        NAME    CPU(cores)   MEMORY(bytes)   ',
        'busy       spin    198m         1Mi             ',
        'web-7f9c   httpd   0m           12Mi            ',
        '                   ________     ________        ',
        '                   198m         13Mi            ',
        '',
      ].join('\n'),
    );
  });
  it('nodes: CPU(%) and MEMORY(%) against allocatable; <unknown> without figures', () => {
    expect(
      formatNodeTable([
        { name: 'n1', usage: { cpuMillis: 250, memoryBytes: 1024 * MI }, allocatable: { cpuMillis: 2000, memoryBytes: 4096 * MI } },
        { name: 'n2', allocatable: { cpuMillis: 2000, memoryBytes: 4096 * MI } },
      ]),
    ).toBe(
      [
        'NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   ',
        'n1     250m         12%         1024Mi          25%         ',
        'n2     <unknown>    <unknown>   <unknown>       <unknown>   ',
        '',
      ].join('\n'),
    );
  });
  it('reads the summary through the nodes/proxy subresource', () => {
    expect(summaryPath('node a')).toBe('/api/v1/nodes/node%20a/proxy/stats/summary');
  });
});
