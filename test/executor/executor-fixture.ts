// Shared setup for the executor's system tests: a busybox rootfs per file, bundles written from
// defaultSpec(), an executor rooted in a temp dir, and a teardown that removes every container,
// cgroup and directory the test made (each named with a per-test "skiff-t..." prefix).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroupDriver } from '../../runtime/cgroups/cgroup-driver.js';
import { defaultSpec, type DefaultSpecOptions } from '../../runtime/executor/default-spec.js';
import type { OciSpec } from '../../runtime/executor/executor.js';
import { createExecutor, type NativeExecutor } from '../../runtime/executor/native-executor.js';
import { buildBusyboxRootfs } from '../fixtures/busybox-rootfs.js';

export const nativeBin = join(import.meta.dirname, '../../dist/native/skiff-native');

export interface ExecutorFixture {
  dir: string;
  prefix: string;
  rootfs: string;
  ex: NativeExecutor;
  /** writes a bundle whose rootfs is the shared busybox tree (or ROOTFS) and returns its path */
  bundle(name: string, opts?: DefaultSpecOptions, edit?: (s: OciSpec) => void, rootfs?: string): string;
  cgroupPath(name: string): string;
  teardown(): Promise<void>;
}

export function cgroupLeftovers(prefix: string): string[] {
  const out: string[] = [];
  for (const ctrl of readdirSync('/sys/fs/cgroup')) if (existsSync(join('/sys/fs/cgroup', ctrl, prefix))) out.push(join('/sys/fs/cgroup', ctrl, prefix));
  return out;
}

function subdirs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    out.push(...subdirs(join(dir, e.name)), join(dir, e.name));
  }
  return out;
}

function rmdirQuiet(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still in use: the leak check reports it */
  }
}

export function executorFixture(): ExecutorFixture {
  const prefix = `skiff-t${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const rootfs = buildBusyboxRootfs(join(dir, 'rootfs'));
  const ex = createExecutor({ root: join(dir, 'state'), nativeBin });
  return {
    dir,
    prefix,
    rootfs,
    ex,
    cgroupPath: (name) => `${prefix}/${name}`,
    bundle(name, opts = {}, edit, customRootfs) {
      const b = join(dir, 'bundles', name);
      mkdirSync(b, { recursive: true });
      const spec = defaultSpec({ cgroupsPath: `${prefix}/${name}`, rootfs: customRootfs ?? rootfs, ...opts });
      edit?.(spec);
      writeFileSync(join(b, 'config.json'), JSON.stringify(spec, null, 2));
      return b;
    },
    async teardown() {
      for (const s of await ex.recover()) await ex.delete(s.id, { force: true }).catch(() => undefined);
      ex.close();
      await detectCgroupDriver().destroy(prefix);
      // runc (compared against in some tests) also makes the path in name=systemd and the v2 tree
      for (const top of cgroupLeftovers(prefix)) for (const d of [...subdirs(top), top]) rmdirQuiet(d);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives each test of the calling suite a fresh fixture (through `set`) and tears it down after the
 * test, which must leave no cgroup behind.
 */
export function useExecutorFixture(set: (f: ExecutorFixture) => void): void {
  let current: ExecutorFixture | undefined;
  beforeEach(() => {
    current = executorFixture();
    set(current);
  });
  afterEach(async () => {
    if (!current) return;
    const prefix = current.prefix;
    await current.teardown();
    expect(cgroupLeftovers(prefix)).toEqual([]);
  });
}
