import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { OverlaySnapshotter, SnapshotError } from '../../runtime/snapshots/overlay-snapshotter.js';

function mounted(target: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === target);
}

describe('overlay snapshotter', () => {
  let dir: string;
  let snaps: OverlaySnapshotter;
  const targets: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-overlay-'));
    snaps = new OverlaySnapshotter(join(dir, 'snapshots'));
  });

  afterEach(async () => {
    for (const k of snaps.list()) await snaps.remove(k).catch(() => undefined);
    for (const t of targets.splice(0)) expect(mounted(t)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  function layer(name: string, files: Record<string, string>): string {
    const l = join(dir, 'layers', name);
    mkdirSync(l, { recursive: true });
    for (const [f, content] of Object.entries(files)) writeFileSync(join(l, f), content);
    return l;
  }

  test('upper layers win, writes land in the upper dir only, remove unmounts', async () => {
    const base = layer('base', { 'a.txt': 'base-a', 'b.txt': 'base-b' });
    const top = layer('top', { 'b.txt': 'top-b' });
    const target = join(dir, 'rootfs');
    targets.push(target);
    await snaps.prepare('c1', [base, top], target);
    expect(mounted(target)).toBe(true);
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('base-a');
    expect(readFileSync(join(target, 'b.txt'), 'utf8')).toBe('top-b');
    writeFileSync(join(target, 'new.txt'), 'written');
    writeFileSync(join(target, 'a.txt'), 'changed');
    expect(readFileSync(join(snaps.upperDir('c1'), 'new.txt'), 'utf8')).toBe('written');
    expect(readFileSync(join(snaps.upperDir('c1'), 'a.txt'), 'utf8')).toBe('changed');
    expect(readFileSync(join(base, 'a.txt'), 'utf8')).toBe('base-a');
    expect(existsSync(join(base, 'new.txt')) || existsSync(join(top, 'new.txt'))).toBe(false);
    await snaps.remove('c1');
    expect(mounted(target)).toBe(false);
    expect(snaps.list()).toEqual([]);
  });

  test('two snapshots of the same layers are independent', async () => {
    const base = layer('base', { 'a.txt': 'base-a' });
    const t1 = join(dir, 'r1');
    const t2 = join(dir, 'r2');
    targets.push(t1, t2);
    await snaps.prepare('s1', [base], t1);
    await snaps.prepare('s2', [base], t2);
    writeFileSync(join(t1, 'only1'), 'x');
    expect(existsSync(join(t2, 'only1'))).toBe(false);
  });

  test('many layers: mount data longer than a page with full paths still mounts', async () => {
    const layers: string[] = [];
    for (let i = 0; i < 200; i++) layers.push(layer(`layer-with-a-rather-long-directory-name-${String(i).padStart(4, '0')}`, { [`f${i}`]: String(i) }));
    expect(layers.join(':').length).toBeGreaterThan(4096);
    const target = join(dir, 'rootfs');
    targets.push(target);
    await snaps.prepare('many', layers, target);
    expect(readdirSync(target).length).toBe(200);
    expect(readFileSync(join(target, 'f199'), 'utf8')).toBe('199');
  });

  test('bad input names the field and leaves nothing behind', async () => {
    const target = join(dir, 'rootfs');
    await expect(snaps.prepare('bad', [join(dir, 'missing')], target)).rejects.toThrow(/lowerDirs\[0\]/);
    await expect(snaps.prepare('bad', ['relative'], target)).rejects.toThrow(SnapshotError);
    await expect(snaps.prepare('../x', [dir], target)).rejects.toThrow(/key/);
    expect(snaps.list()).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });
});
