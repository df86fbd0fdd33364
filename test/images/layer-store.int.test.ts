// The layer store marks its layers dir as a top of unrelated hierarchies (chattr +T) where the
// filesystem has the flag (ext2/3/4), so ext4 spreads each layer's inodes; elsewhere it works
// without the hint.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LayerStore } from '../../runtime/images/layer-store.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop() as string, { recursive: true, force: true });
});

describe('layer store', () => {
  test('the layers dir carries the T attribute on ext4, and layers still land in it', async () => {
    const root = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-layerstore-'));
    dirs.push(root);
    const store = new LayerStore(root);
    const fsType = execFileSync('stat', ['-f', '-c', '%T', root], { encoding: 'utf8' }).trim();
    if (fsType === 'ext2/ext3') {
      const attrs = execFileSync('lsattr', ['-d', store.dir], { encoding: 'utf8' }).split(' ')[0];
      expect(attrs).toContain('T');
    }
    // opening the store again leaves the flag as it is
    expect(() => new LayerStore(root)).not.toThrow();
    const chain = `sha256:${'a'.repeat(64)}`;
    const made = await store.ensure(chain, chain, async (dir) => {
      fs.writeFileSync(path.join(dir, 'file'), 'x');
      return { diffId: chain, tarSize: 0 };
    });
    expect(made).toBe(true);
    expect(fs.readFileSync(path.join(store.path(chain), 'file'), 'utf8')).toBe('x');
    expect(store.tempDirs()).toEqual([]);
  });
});
