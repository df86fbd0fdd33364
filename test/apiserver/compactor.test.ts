import { describe, expect, it } from 'vitest';
import { Compactor } from '../../apiserver/storage/compactor.js';

describe('Compactor', () => {
  it('compacts to the revision seen one round earlier', async () => {
    let rev = 10;
    const compacted: number[] = [];
    const c = new Compactor({ currentRevision: async () => rev, compact: async (r) => void compacted.push(r) });
    expect(await c.tick()).toBeUndefined();
    rev = 25;
    expect(await c.tick()).toBe(10);
    rev = 25;
    expect(await c.tick()).toBe(25);
    expect(compacted).toEqual([10, 25]);
  });

  it('tolerates a revision already compacted by someone else', async () => {
    let rev = 5;
    const c = new Compactor({
      currentRevision: async () => rev,
      compact: async () => {
        throw new Error('etcdserver: mvcc: required revision has been compacted');
      },
    });
    await c.tick();
    rev = 9;
    expect(await c.tick()).toBe(5);
  });
});
