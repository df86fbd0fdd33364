// hostPath `type` checks, as Kubernetes does them: a pure verdict from what is at the path.
import type { HostPathVolumeSource } from '../../api/types/core.js';

export type PathKind = 'absent' | 'directory' | 'file' | 'socket' | 'char' | 'block' | 'other';

export type HostPathVerdict = { ok: true; create?: 'directory' | 'file' } | { ok: false; message: string };

export function checkHostPath(src: HostPathVolumeSource, kind: PathKind): HostPathVerdict {
  const p = src.path;
  const type = src.type ?? '';
  const want = (k: PathKind, what: string): HostPathVerdict =>
    kind === k ? { ok: true } : { ok: false, message: kind === 'absent' ? `hostPath type check failed: ${p} does not exist` : `hostPath type check failed: ${p} is not ${what}` };
  switch (type) {
    case '':
      return { ok: true };
    case 'DirectoryOrCreate':
      if (kind === 'absent') return { ok: true, create: 'directory' };
      return want('directory', 'a directory');
    case 'Directory':
      return want('directory', 'a directory');
    case 'FileOrCreate':
      if (kind === 'absent') return { ok: true, create: 'file' };
      return want('file', 'a file');
    case 'File':
      return want('file', 'a file');
    case 'Socket':
      return want('socket', 'a socket file');
    case 'CharDevice':
      return want('char', 'a character device');
    case 'BlockDevice':
      return want('block', 'a block device');
    default:
      return { ok: false, message: `hostPath.type: unsupported value "${String(type)}"` };
  }
}
