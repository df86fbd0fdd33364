import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CgroupDriver } from '../../runtime/cgroups/cgroup-driver.js';
import { removeEmptyPodCgroupParent } from '../../cli/cluster/node-teardown.js';

describe('removeEmptyPodCgroupParent', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes the empty skiff cgroup in each hierarchy and leaves one that still holds pods', () => {
    root = mkdtempSync(join(tmpdir(), 'skiff-teardown-'));
    mkdirSync(join(root, 'memory', 'skiff'), { recursive: true });
    mkdirSync(join(root, 'pids', 'skiff', 'pod-of-another-runtime'), { recursive: true });
    const driver = { procsFiles: (path: string) => ['memory', 'pids', 'cpu'].map((h) => join(root, h, path, 'cgroup.procs')) } as unknown as CgroupDriver;
    removeEmptyPodCgroupParent(driver);
    expect(existsSync(join(root, 'memory', 'skiff'))).toBe(false);
    expect(existsSync(join(root, 'pids', 'skiff', 'pod-of-another-runtime'))).toBe(true);
  });
});
