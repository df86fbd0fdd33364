// Sets up a pod's volumes on the host and tears them down: emptyDir as a directory under
// `<root-dir>/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>` (a sized tmpfs for medium Memory),
// hostPath after its type check (creating what *OrCreate asks for). Volumes that cannot be set up
// are reported by name, so only the containers that mount them fail.
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HostPathVolumeSource, Pod } from '../../api/types/core.js';
import { memoryBytes } from '../../api/quantity.js';
import { checkHostPath, type PathKind } from './host-path-check.js';
import type { Mounter } from './mounter.js';

export interface PodVolumes {
  paths: Map<string, string>;
  errors: Map<string, string>;
}

/** what is at the path, following symlinks as Kubernetes' checks do */
async function pathKind(p: string): Promise<PathKind> {
  const st = await stat(p).catch(() => undefined);
  if (!st) return 'absent';
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

export class VolumeManager {
  constructor(
    private readonly rootDir: string,
    private readonly mounter: Mounter,
  ) {}

  podDir(uid: string): string {
    return join(this.rootDir, 'pods', uid);
  }

  emptyDirPath(uid: string, name: string): string {
    return join(this.podDir(uid), 'volumes', 'kubernetes.io~empty-dir', name);
  }

  /** idempotent: a second call finds everything in place */
  async setUp(pod: Pod): Promise<PodVolumes> {
    const uid = pod.metadata.uid ?? '';
    const result: PodVolumes = { paths: new Map(), errors: new Map() };
    for (const v of pod.spec?.volumes ?? []) {
      try {
        if (v.emptyDir) {
          result.paths.set(v.name, await this.setUpEmptyDir(uid, v.name, v.emptyDir.medium, v.emptyDir.sizeLimit));
        } else if (v.hostPath) {
          result.paths.set(v.name, await this.setUpHostPath(v.hostPath));
        } else {
          result.errors.set(v.name, 'unsupported volume source (only emptyDir and hostPath are supported)');
        }
      } catch (err) {
        result.errors.set(v.name, (err as Error).message);
      }
    }
    return result;
  }

  private async setUpEmptyDir(uid: string, name: string, medium: string | undefined, sizeLimit: string | undefined): Promise<string> {
    const dir = this.emptyDirPath(uid, name);
    await mkdir(dir, { recursive: true, mode: 0o777 });
    if (medium === 'Memory') {
      const mounted = await this.mounter.mountsUnder(dir);
      if (!mounted.includes(dir)) {
        let size: number | undefined;
        try {
          size = sizeLimit ? memoryBytes(sizeLimit) : undefined;
        } catch {
          throw new Error(`emptyDir.sizeLimit: invalid quantity "${sizeLimit}"`);
        }
        await this.mounter.mountTmpfs(dir, size);
      }
    }
    return dir;
  }

  private async setUpHostPath(src: HostPathVolumeSource): Promise<string> {
    const kind = await pathKind(src.path);
    const verdict = checkHostPath(src, kind);
    if (!verdict.ok) throw new Error(verdict.message);
    if (verdict.create === 'directory') await mkdir(src.path, { recursive: true, mode: 0o755 });
    if (verdict.create === 'file') {
      await mkdir(dirname(src.path), { recursive: true, mode: 0o755 });
      await (await open(src.path, 'a', 0o644)).close();
    }
    return src.path;
  }

  /** unmounts every tmpfs of the pod and removes its directory */
  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    const mounts = (await this.mounter.mountsUnder(dir)).sort((a, b) => b.length - a.length);
    for (const m of mounts) await this.mounter.unmount(m);
    await rm(dir, { recursive: true, force: true });
  }

  /** UIDs of every pod directory on disk (for cleaning up pods deleted while the kubelet was down) */
  async podUidsOnDisk(): Promise<string[]> {
    try {
      return await readdir(join(this.rootDir, 'pods'));
    } catch {
      return [];
    }
  }
}
