// Column alignment as Go's text/tabwriter does it (what kubectl prints through): tab-terminated
// cells are aligned per column block (consecutive lines that have that column), the text after
// the last tab of a line is not padded.

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
  /** tabwriter.RememberWidths: column widths carried across flushes (kubectl get -w) */
  remembered?: number[];
}

/** kubectl get: minwidth 6, padding 3 */
export const TABLE_TABWRITER: TabwriterOptions = { minwidth: 6, padding: 3 };
/** kubectl describe: minwidth 0, padding 2 */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minwidth: 0, padding: 2 };

function width(s: string): number {
  return [...s].length;
}

/** Formats text whose cells are separated by `\t` and lines by `\n`. */
export function tabwriterFormat(text: string, o: TabwriterOptions): string {
  const lines = text.split('\n');
  const trailingNewline = text.endsWith('\n');
  if (trailingNewline) lines.pop();
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const line = cells[i];
      let s = '';
      line.forEach((c, j) => {
        if (j < line.length - 1 && j < widths.length) s += c + ' '.repeat(Math.max(0, widths[j] - width(c)));
        else s += c;
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= cells[i].length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = Math.max(o.minwidth, o.remembered?.[column] ?? 0);
      let j = i;
      for (; j < line1; j++) {
        if (column >= cells[j].length - 1) break;
        w = Math.max(w, width(cells[j][column]) + o.padding);
      }
      widths.push(w);
      if (o.remembered) o.remembered[column] = w;
      format(start, j);
      widths.pop();
      start = j;
      i = j - 1;
    }
    writeLines(start, line1);
  };

  format(0, cells.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}

/** Rows of cells as a kubectl table. */
export function alignColumns(rows: string[][], o: TabwriterOptions = TABLE_TABWRITER): string {
  if (rows.length === 0) return '';
  return tabwriterFormat(rows.map((r) => r.join('\t')).join('\n') + '\n', o);
}
