// meta.k8s.io/v1 Table responses for `kubectl get`: rows with cells from the kind's printer and
// row.object as PartialObjectMetadata (or the whole object with includeObject=Object).
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, Table, TableRow } from '../../api/types/meta.js';
import { printerFor } from './table-columns.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  info: Pick<ResourceInfo, 'group' | 'resource'>,
  objects: readonly KubeObject[],
  opts: { include: IncludeObject; resourceVersion?: string; continue?: string; remainingItemCount?: number; withColumns?: boolean; now?: Date },
): Table {
  const printer = printerFor(info);
  const now = opts.now ?? new Date();
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: printer.cells(o, now) };
    const ro = rowObject(o, opts.include);
    if (ro !== undefined) row.object = ro;
    return row;
  });
  const table: Table = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: opts.withColumns === false ? [] : printer.columns,
    rows,
  };
  if (opts.resourceVersion) table.metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) table.metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) table.metadata.remainingItemCount = opts.remainingItemCount;
  return table;
}
