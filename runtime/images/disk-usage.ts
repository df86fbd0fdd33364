// Bytes and inodes under a directory tree (hardlinked inodes counted once), for ImageFsInfo and
// for what GC frees.
import * as fs from 'node:fs';
import path from 'node:path';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

export function diskUsage(root: string, seen = new Set<string>()): DiskUsage {
  const total: DiskUsage = { bytes: 0, inodes: 0 };
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as string;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    total.inodes++;
    total.bytes += st.blocks * 512;
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(p);
      } catch {
        continue;
      }
      for (const n of names) stack.push(path.join(p, n));
    }
  }
  return total;
}
