// -o custom-columns=HEADER:.path,...: one row per object, cells from (relaxed) JSONPath. Pure.
import type { KubeObject } from '../../api/types/meta.js';
import { evaluate, parsePath } from './jsonpath.js';
import { alignColumns } from './tab-writer.js';

export interface CustomColumn {
  header: string;
  path: string;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (!spec) throw new Error('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i <= 0) throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), path: part.slice(i + 1) };
  });
}

/** kubectl's RelaxedJSONPathExpression: `{.a}`, `.a` and `a` all mean `.a`. */
function relaxed(path: string): string {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (!p.startsWith('.') && !p.startsWith('[')) p = `.${p}`;
  return p;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function printCustomColumns(columns: CustomColumn[], objects: KubeObject[], noHeaders: boolean): string {
  const paths = columns.map((c) => parsePath(relaxed(c.path)));
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const obj of objects) {
    rows.push(
      paths.map((p) => {
        const values = evaluate(p, obj);
        return values.length === 0 ? '<none>' : values.map(cell).join(',');
      }),
    );
  }
  return alignColumns(rows);
}
