// Prints the server's Table (meta.k8s.io/v1) as kubectl does: the columns of priority 0 (all
// with -o wide), NAMESPACE first with -A, `kind/name` when several types print together,
// LABELS last with --show-labels.
import type { KubeObject, Table, TableColumnDefinition, TableRow } from '../../api/types/meta.js';
import { age } from '../../api/human-duration.js';
import { alignColumns } from './tab-writer.js';

export interface TableOptions {
  wide?: boolean;
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `pod` → names print as `pod/nginx` */
  kindPrefix?: string;
  noHeaders?: boolean;
  /** -L: a column per label key, before LABELS */
  labelColumns?: string[];
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function rowMeta(row: TableRow): KubeObject['metadata'] | undefined {
  const o = row.object as { metadata?: KubeObject['metadata'] } | undefined;
  return o?.metadata;
}

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The header and row cells, before alignment. */
export function tableCells(table: Pick<Table, 'columnDefinitions' | 'rows'>, columns: TableColumnDefinition[], o: TableOptions): string[][] {
  const defs = table.columnDefinitions;
  const picked = columns.map((c) => defs.findIndex((d) => d.name === c.name));
  const nameIdx = columns.findIndex((c) => c.format === 'name' || c.name === 'Name');
  const lines: string[][] = [];
  if (!o.noHeaders) {
    const header = columns.map((c) => c.name.toUpperCase());
    if (o.withNamespace) header.unshift('NAMESPACE');
    for (const key of o.labelColumns ?? []) header.push(key.slice(key.lastIndexOf('/') + 1).toUpperCase());
    if (o.showLabels) header.push('LABELS');
    lines.push(header);
  }
  for (const row of table.rows) {
    const cells = picked.map((i) => cellText(i >= 0 ? row.cells[i] : undefined));
    if (o.kindPrefix && nameIdx >= 0) cells[nameIdx] = `${o.kindPrefix}/${cells[nameIdx]}`;
    const meta = rowMeta(row);
    if (o.withNamespace) cells.unshift(meta?.namespace ?? '');
    for (const key of o.labelColumns ?? []) cells.push(meta?.labels?.[key] ?? '');
    if (o.showLabels) cells.push(labelsText(meta?.labels));
    lines.push(cells);
  }
  return lines;
}

export function visibleColumns(table: Pick<Table, 'columnDefinitions'>, wide: boolean): TableColumnDefinition[] {
  return table.columnDefinitions.filter((c) => wide || !c.priority);
}

export function printTable(table: Pick<Table, 'columnDefinitions' | 'rows'>, o: TableOptions): string {
  return alignColumns(tableCells(table, visibleColumns(table, !!o.wide), o));
}

/** A Table for servers that answer a plain list: NAME and AGE, as kubectl falls back to. */
export function tableFromObjects(items: KubeObject[], now: number = Date.now()): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name' },
      { name: 'Age', type: 'string' },
    ],
    rows: items.map((obj) => ({ cells: [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp, now)], object: obj })),
  };
}
