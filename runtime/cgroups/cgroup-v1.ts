// cgroup v1: one hierarchy per controller (memory, cpu, cpuacct, cpuset, pids, freezer, devices,
// blkio ...) under ROOT. A cgroup is the same relative path in each hierarchy.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CgroupDriver, CgroupMountSource, CgroupResources, CgroupStats } from './cgroup-driver.js';
import { CgroupError } from './cgroup-driver.js';
import { descendants, killAndRemove, killPids, mkdirLevels, readNumber, readPids, readText, removeDirs, removeIfIdle, writeValue } from './cgroup-fs.js';
import { parseKeyValues, v1Writes, validateResources } from './cgroup-resources.js';

// the controllers Skiff sets or reads; others (hugetlb, net_cls, perf_event) keep containers in their root
const knownControllers = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer', 'devices', 'blkio'];

export class CgroupV1Driver implements CgroupDriver {
  readonly version = 1 as const;
  /** controller name → hierarchy directory (combined mounts map several names to one directory) */
  private readonly hierarchies = new Map<string, string>();
  private readonly dirs: string[] = [];

  constructor(readonly root: string) {
    const seen = new Set<string>();
    for (const entry of readdirSync(root)) {
      const names = entry.split(',').filter((n) => knownControllers.includes(n));
      if (names.length === 0) continue;
      const dir = join(root, entry);
      if (!existsSync(join(dir, 'cgroup.procs'))) continue; // a leftover directory, not a mounted hierarchy
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue;
      }
      for (const n of names) if (!this.hierarchies.has(n)) this.hierarchies.set(n, dir);
      if (!seen.has(real)) {
        seen.add(real);
        this.dirs.push(dir);
      }
    }
    if (this.dirs.length === 0) throw new CgroupError(`no cgroup v1 controller hierarchy under ${root}`);
  }

  private dir(controller: string, path: string): string | undefined {
    const h = this.hierarchies.get(controller);
    return h ? join(h, path) : undefined;
  }

  async create(path: string, resources: CgroupResources = {}): Promise<void> {
    validateResources(resources);
    const created: string[] = [];
    try {
      for (const h of this.dirs) {
        const isCpuset = this.hierarchies.get('cpuset') === h;
        created.push(
          ...mkdirLevels(h, path, (dir, parent) => {
            if (!isCpuset) return;
            // a new cpuset is empty and refuses tasks until it has cpus and mems
            for (const f of ['cpuset.cpus', 'cpuset.mems']) {
              if (readText(join(dir, f))?.trim()) continue;
              const v = readText(join(parent, f))?.trim();
              if (v) writeValue(join(dir, f), v);
            }
          }),
        );
      }
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
    for (const w of v1Writes(resources)) {
      const dir = this.dir(w.controller, path);
      if (!dir) {
        if (w.optional) continue;
        throw new CgroupError(`cgroup controller "${w.controller}" is not mounted under ${this.root} (needed for ${w.file})`);
      }
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
    return this.dirs.some((h) => existsSync(join(h, path)));
  }

  procsFiles(path: string): string[] {
    return this.dirs.map((h) => join(h, path, 'cgroup.procs'));
  }

  oomCounter(path: string): { file: string; key: string } | undefined {
    const dir = this.dir('memory', path);
    return dir ? { file: join(dir, 'memory.oom_control'), key: 'oom_kill' } : undefined;
  }

  async stats(path: string): Promise<CgroupStats> {
    const mem = this.dir('memory', path);
    const usage = mem ? readNumber(join(mem, 'memory.usage_in_bytes')) : 0;
    const stat = mem ? parseKeyValues(readText(join(mem, 'memory.stat')) ?? '') : new Map<string, number>();
    const inactive = stat.get('total_inactive_file') ?? 0;
    const cpu = this.dir('cpuacct', path);
    const pids = this.dir('pids', path);
    return {
      cpuUsageNanos: cpu ? readNumber(join(cpu, 'cpuacct.usage')) : 0,
      memoryUsageBytes: usage,
      memoryWorkingSetBytes: Math.max(0, usage - inactive),
      pids: pids ? readNumber(join(pids, 'pids.current')) : this.pids(path).length,
    };
  }

  pids(path: string): number[] {
    const h = this.hierarchies.get('pids') ?? this.dirs[0];
    return readPids(join(h, path, 'cgroup.procs'));
  }

  async destroy(path: string): Promise<void> {
    const freezer = this.dir('freezer', path);
    for (const h of this.dirs) {
      const top = join(h, path);
      if (removeIfIdle(top)) continue;
      await killAndRemove([...descendants(top), top], (dir) => {
        // freeze so nothing forks between reading the list and killing it, then thaw so the kills land
        const rel = dir.slice(h.length + 1);
        const fz = freezer ? join(this.hierarchies.get('freezer') ?? '', rel, 'freezer.state') : undefined;
        if (fz && existsSync(fz)) {
          try {
            writeValue(fz, 'FROZEN');
          } catch {
            /* keep going without the freeze */
          }
        }
        killPids(readPids(join(dir, 'cgroup.procs')));
        if (fz && existsSync(fz)) {
          try {
            writeValue(fz, 'THAWED');
          } catch {
            /* already gone */
          }
        }
      });
    }
  }

  mountSource(path: string): CgroupMountSource {
    return { version: 1, controllers: this.dirs.map((h) => ({ name: basename(h), hostDir: join(h, path) })) };
  }
}
