// A fresh machine has no registry to pull from: a node's image store is seeded with a busybox image
// built from Debian's busybox-static, as docker.io/library/busybox:latest, so `image: busybox` runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusyboxImageArchive } from '../../runtime/images/busybox-image.js';
import { createImageStore } from '../../runtime/images/local-image-store.js';

export const BUSYBOX_REF = 'docker.io/library/busybox:latest';

/** imports the busybox image unless the store has it; true when it imported */
export async function ensureBusyboxImage(imageRoot: string): Promise<boolean> {
  const store = createImageStore({ root: imageRoot });
  if (await store.get(BUSYBOX_REF)) return false;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-busybox-'));
  try {
    const archive = join(dir, 'busybox.tar');
    await buildBusyboxImageArchive(archive, { ref: BUSYBOX_REF });
    await store.import(archive, { tag: BUSYBOX_REF });
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
