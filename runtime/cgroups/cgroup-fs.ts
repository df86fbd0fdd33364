// Small synchronous cgroupfs edges shared by both drivers: reading values, creating a path level
// by level while remembering what was new (so a failure can undo exactly that), and emptying and
// removing a cgroup tree.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function readNumber(file: string): number {
  const t = readText(file)?.trim();
  return t && /^\d+$/.test(t) ? Number(t) : 0;
}

export function readPids(procsFile: string): number[] {
  const t = readText(procsFile);
  if (!t) return [];
  return t
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

/**
 * creates BASE/PATH one level at a time; returns the directories that are new, parents first.
 * ONLEVEL runs for every level, new or not: another process may have made a level a moment ago
 * and not yet set it up, so the set-up it does must be idempotent.
 */
export function mkdirLevels(base: string, path: string, onLevel?: (dir: string, parent: string) => void): string[] {
  const created: string[] = [];
  let dir = base;
  for (const part of path.split('/')) {
    const parent = dir;
    dir = join(dir, part);
    try {
      mkdirSync(dir);
      created.push(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    onLevel?.(dir, parent);
  }
  return created;
}

export function removeDirs(dirs: string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* best effort: undoing a half-made cgroup */
    }
  }
}

export function writeValue(file: string, value: string): void {
  writeFileSync(file, value);
}

/** child cgroup directories of DIR, deepest first */
export function descendants(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return out;
  }
  for (const e of entries) {
    const sub = join(dir, e);
    out.push(...descendants(sub), sub);
  }
  return out;
}

/** removes DIR if it is an empty leaf (the common case after a container exited): true when gone */
export function removeIfIdle(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** SIGKILLs what is in DIR (and below) until it is empty, then removes it; KILL lets a driver freeze or use cgroup.kill */
export async function killAndRemove(dirs: string[], kill: (dir: string) => void): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; ; attempt++) {
      if (!existsSync(dir)) break;
      const pids = readPids(join(dir, 'cgroup.procs'));
      if (pids.length === 0) {
        try {
          rmdirSync(dir);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
          if (attempt > 500) throw e;
        }
      } else {
        if (attempt > 500) throw new Error(`cgroup ${dir}: processes ${pids.join(',')} survive SIGKILL`);
        kill(dir);
      }
      await sleep(attempt < 10 ? 1 : 10);
    }
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
