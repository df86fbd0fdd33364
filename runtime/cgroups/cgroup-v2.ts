// cgroup v2: one unified tree under ROOT. Controllers are enabled for children through each
// parent's cgroup.subtree_control; a cgroup with processes takes no children (the leaf rule),
// so processes only ever live in leaves.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupDriver, CgroupMountSource, CgroupResources, CgroupStats } from './cgroup-driver.js';
import { CgroupError } from './cgroup-driver.js';
import { descendants, killAndRemove, killPids, mkdirLevels, readNumber, readPids, readText, removeDirs, removeIfIdle, writeValue } from './cgroup-fs.js';
import { parseKeyValues, v2Writes, validateResources } from './cgroup-resources.js';

const wanted = ['cpuset', 'cpu', 'io', 'memory', 'pids', 'hugetlb'];

export class CgroupV2Driver implements CgroupDriver {
  readonly version = 2 as const;

  constructor(readonly root: string) {}

  private enableControllers(parent: string): void {
    const available = (readText(join(parent, 'cgroup.controllers')) ?? '').trim().split(/\s+/);
    const enabled = new Set((readText(join(parent, 'cgroup.subtree_control')) ?? '').trim().split(/\s+/));
    const missing = wanted.filter((c) => available.includes(c) && !enabled.has(c));
    if (missing.length === 0) return;
    try {
      writeValue(join(parent, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
    } catch (e) {
      throw new CgroupError(`cgroup ${parent}: enable ${missing.join(' ')}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }

  async create(path: string, resources: CgroupResources = {}): Promise<void> {
    validateResources(resources);
    let created: string[] = [];
    try {
      this.enableControllers(this.root);
      created = mkdirLevels(this.root, path, (dir, parent) => {
        if (parent !== this.root) this.enableControllers(parent);
      });
      this.apply(path, resources);
    } catch (e) {
      removeDirs(created);
      throw e;
    }
  }

  async update(path: string, resources: CgroupResources): Promise<void> {
    validateResources(resources);
    this.apply(path, resources);
  }

  private apply(path: string, resources: CgroupResources): void {
    const dir = join(this.root, path);
    for (const w of v2Writes(resources)) {
      const file = join(dir, w.file);
      if (w.optional && !existsSync(file)) continue;
      try {
        writeValue(file, w.value);
      } catch (e) {
        throw new CgroupError(`cgroup ${path}: ${w.file} = ${JSON.stringify(w.value)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
  }

  exists(path: string): boolean {
    return existsSync(join(this.root, path));
  }

  procsFiles(path: string): string[] {
    return [join(this.root, path, 'cgroup.procs')];
  }

  oomCounter(path: string): { file: string; key: string } {
    return { file: join(this.root, path, 'memory.events'), key: 'oom_kill' };
  }

  async stats(path: string): Promise<CgroupStats> {
    const dir = join(this.root, path);
    const cpu = parseKeyValues(readText(join(dir, 'cpu.stat')) ?? '');
    const mem = parseKeyValues(readText(join(dir, 'memory.stat')) ?? '');
    const usage = readNumber(join(dir, 'memory.current'));
    return {
      cpuUsageNanos: (cpu.get('usage_usec') ?? 0) * 1000,
      memoryUsageBytes: usage,
      memoryWorkingSetBytes: Math.max(0, usage - (mem.get('inactive_file') ?? 0)),
      pids: existsSync(join(dir, 'pids.current')) ? readNumber(join(dir, 'pids.current')) : this.pids(path).length,
    };
  }

  pids(path: string): number[] {
    return readPids(join(this.root, path, 'cgroup.procs'));
  }

  async destroy(path: string): Promise<void> {
    const top = join(this.root, path);
    if (removeIfIdle(top)) return;
    await killAndRemove([...descendants(top), top], (dir) => {
      const kill = join(dir, 'cgroup.kill');
      if (existsSync(kill)) {
        try {
          writeValue(kill, '1');
          return;
        } catch {
          /* fall back to killing one by one */
        }
      }
      killPids(readPids(join(dir, 'cgroup.procs')));
    });
  }

  mountSource(): CgroupMountSource {
    return { version: 2 };
  }
}
