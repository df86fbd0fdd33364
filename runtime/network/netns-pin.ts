// Pins a process's network namespace with a bind mount of /proc/<pid>/ns/net onto a file under
// the runtime root, so the namespace outlives the process and CNI can address it by path.
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { MNT_DETACH, MS_BIND, mount, umount2 } from '../sys/libc.js';

export interface NetnsPinner {
  pin(pid: number, target: string): Promise<void>;
  /** unmounts and removes the file; succeeds when it is already gone */
  unpin(target: string): Promise<void>;
  isPinned(target: string): Promise<boolean>;
}

export class MountNetnsPinner implements NetnsPinner {
  async pin(pid: number, target: string): Promise<void> {
    await fs.mkdir(dirname(target), { recursive: true, mode: 0o711 });
    const fh = await fs.open(target, 'a', 0o444);
    await fh.close();
    try {
      mount(`/proc/${pid}/ns/net`, target, null, MS_BIND, null);
    } catch (err) {
      await fs.rm(target, { force: true });
      throw new Error(`pinning the network namespace of pid ${pid} at ${target}: ${(err as Error).message}`);
    }
  }

  async isPinned(target: string): Promise<boolean> {
    const mounts = await fs.readFile('/proc/self/mountinfo', 'utf8');
    return mounts.split('\n').some((line) => line.split(' ')[4] === target);
  }

  async unpin(target: string): Promise<void> {
    for (let i = 0; i < 16 && (await this.isPinned(target)); i++) umount2(target, MNT_DETACH);
    await fs.rm(target, { force: true });
  }
}
