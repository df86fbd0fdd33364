// The `kubectl top` tables (as kubectl 1.32 prints them): every cell tab-terminated (so the last
// column is padded too), aligned as kubectl's tabwriter does; CPU as `12m`, memory as `34Mi`
// (rounded down), percentages of the node's allocatable as whole numbers; `--sum` adds a total.
import { TABLE_TABWRITER, tabwriterFormat } from './tab-writer.js';
import type { NodeUsage, PodUsage, Usage } from './top-metrics.js';

export interface PodTableOptions {
  allNamespaces?: boolean;
  containers?: boolean;
  noHeaders?: boolean;
  /** a total line under the CPU and memory columns */
  sum?: boolean;
}

export interface NodeTableOptions {
  noHeaders?: boolean;
}

const MI = 1024 * 1024;

export function formatCpu(millis: number): string {
  return `${millis}m`;
}

export function formatMemory(bytes: number): string {
  return `${Math.floor(bytes / MI)}Mi`;
}

/** `used` as a whole percentage of `total` (truncated, as kubectl's int64 conversion does) */
export function formatPercent(used: number, total: number): string {
  if (total <= 0) return '<unknown>';
  return `${Math.trunc((used / total) * 100)}%`;
}

function line(cells: string[]): string {
  return cells.map((c) => `${c}\t`).join('') + '\n';
}

function usageCells(u: Usage): string[] {
  return [formatCpu(u.cpuMillis), formatMemory(u.memoryBytes)];
}

export function formatPodTable(rows: PodUsage[], o: PodTableOptions = {}): string {
  const ns = o.allNamespaces ? ['NAMESPACE'] : [];
  let text = '';
  if (o.containers) {
    if (!o.noHeaders) text += line([...ns, 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    for (const p of rows) {
      for (const c of p.containers) text += line([...(o.allNamespaces ? [p.namespace] : []), p.name, c.name, ...usageCells(c)]);
    }
  } else {
    if (!o.noHeaders) text += line([...ns, 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    for (const p of rows) text += line([...(o.allNamespaces ? [p.namespace] : []), p.name, ...usageCells(p)]);
  }
  if (o.sum) {
    const blanks = Array<string>(ns.length + (o.containers ? 2 : 1)).fill('');
    const total = rows.reduce((t, p) => ({ cpuMillis: t.cpuMillis + p.cpuMillis, memoryBytes: t.memoryBytes + p.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
    text += line([...blanks, '________', '________']) + line([...blanks, ...usageCells(total)]);
  }
  return tabwriterFormat(text, TABLE_TABWRITER);
}

export function formatNodeTable(rows: NodeUsage[], o: NodeTableOptions = {}): string {
  let text = o.noHeaders ? '' : line(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  for (const n of rows) {
    if (!n.usage) {
      text += line([n.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
      continue;
    }
    const a = n.allocatable;
    text += line([
      n.name,
      formatCpu(n.usage.cpuMillis),
      a ? formatPercent(n.usage.cpuMillis, a.cpuMillis) : '<unknown>',
      formatMemory(n.usage.memoryBytes),
      a ? formatPercent(n.usage.memoryBytes, a.memoryBytes) : '<unknown>',
    ]);
  }
  return tabwriterFormat(text, TABLE_TABWRITER);
}
