// kubectl describe's PrefixWriter: lines at indentation levels (two spaces each), cells split by
// tabs, aligned by the tabwriter at the end.
import { DESCRIBE_TABWRITER, tabwriterFormat } from './tab-writer.js';

export class DescribeWriter {
  private text = '';

  /** one line at `level`; the parts are joined by tabs */
  line(level: number, ...parts: string[]): void {
    this.text += `${'  '.repeat(level)}${parts.join('\t')}\n`;
  }

  /** raw text at `level` (may hold tabs) */
  raw(level: number, s: string): void {
    this.text += `${'  '.repeat(level)}${s}`;
  }

  /** the text before alignment, tabs kept (what `rollout history --revision` prints) */
  unaligned(): string {
    return this.text;
  }

  render(): string {
    return tabwriterFormat(this.text, DESCRIBE_TABWRITER);
  }
}
