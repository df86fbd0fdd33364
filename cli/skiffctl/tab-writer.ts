// Column alignment as kubectl's tabwriter does it (padding 3, last column unpadded).
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd((widths[i] ?? 0) + 3 + cell.length - [...cell].length) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}
