import { describe, expect, it } from 'vitest';
import { alignColumns, DESCRIBE_TABWRITER, tabwriterFormat } from '../../../cli/skiffctl/tab-writer.js';

describe('tabwriter (Go text/tabwriter semantics)', () => {
  it('aligns table columns with padding 3 and minimum width 6, last column unpadded', () => {
    expect(alignColumns([
      ['NAME', 'READY', 'AGE'],
      ['nginx', '1/1', '5s'],
    ])).toBe('NAME    READY   AGE\nnginx   1/1     5s\n');
  });

  it('aligns each column block separately: lines without the column break the block', () => {
    const text = 'Name:\tnginx\nNamespace:\tdefault\nContainers:\n  c:\n    Image:\tbusybox\n    Port:\t<none>\n';
    expect(tabwriterFormat(text, DESCRIBE_TABWRITER)).toBe(
      'Name:       nginx\nNamespace:  default\nContainers:\n  c:\n    Image:  busybox\n    Port:   <none>\n',
    );
  });

  it('nested columns: a wider inner block does not widen the outer one', () => {
    const text = 'A:\tx\n  T\tStatus\tReason\n  ----\t------\t------\n  Available\tTrue\tMin\nBB:\ty\n';
    expect(tabwriterFormat(text, DESCRIBE_TABWRITER)).toBe(
      'A:           x\n  T          Status  Reason\n  ----       ------  ------\n  Available  True    Min\nBB:          y\n',
    );
  });

  it('remembers widths across flushes when asked (get -w)', () => {
    const remembered: number[] = [];
    alignColumns([['NAME', 'AGE'], ['a-long-name', '1s']], { minwidth: 6, padding: 3, remembered });
    expect(alignColumns([['b', '2s']], { minwidth: 6, padding: 3, remembered })).toBe(`b${' '.repeat(13)}2s\n`);
  });
});
