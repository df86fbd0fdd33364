// The one host side effect of volumes that needs privileges: tmpfs mounts for `emptyDir.medium:
// Memory`. Behind an interface so the volume manager can be tested without root.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Mounter {
  mountTmpfs(target: string, sizeBytes: number | undefined): Promise<void>;
  unmount(target: string): Promise<void>;
  /** mount points at or below `prefix` */
  mountsUnder(prefix: string): Promise<string[]>;
}

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export class SystemMounter implements Mounter {
  async mountTmpfs(target: string, sizeBytes: number | undefined): Promise<void> {
    const opts = ['mode=0777', ...(sizeBytes ? [`size=${sizeBytes}`] : [])].join(',');
    await run('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', target]);
  }

  async unmount(target: string): Promise<void> {
    await run('umount', [target]);
  }

  async mountsUnder(prefix: string): Promise<string[]> {
    const text = await readFile('/proc/self/mountinfo', 'utf8');
    const out: string[] = [];
    for (const line of text.split('\n')) {
      const f = line.split(' ');
      if (f.length < 5) continue;
      const mp = unescapeMountPath(f[4]);
      if (mp === prefix || mp.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) out.push(mp);
    }
    return out;
  }
}
